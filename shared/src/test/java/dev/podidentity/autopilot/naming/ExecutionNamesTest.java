package dev.podidentity.autopilot.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExecutionNamesTest {

    @ParameterizedTest
    @CsvSource({
        "prod,3HL4kqtJlcpXroDTDmJ.Pz5e2J5k3X,apply",
        "prod,a1b2c3d4-5678-90ab-cdef-1234567890ab,onboard",
        "a-cluster-name-that-is-as-long-as-eks-allows-which-is-one-hundred-characters-long-really-very-long,"
            + "Yx9.kM3pQ_rT8vWzL2nB4cD6fG8hJ0kL1mN3pQ5rS7tV9wX,migrate-to-pod-identity",
    })
    void forTrigger_whenAnyInput_isValidDeterministicAndAtMost80(String cluster, String trigger, String action) {
        String name = ExecutionNames.forTrigger(cluster, trigger, action);

        assertTrue(name.length() <= 80, name);
        assertTrue(ExecutionNames.isValid(name), name);
        assertTrue(name.startsWith(action.substring(0, Math.min(action.length(), 10))), name);
        assertEquals(name, ExecutionNames.forTrigger(cluster, trigger, action));
    }

    @Test
    void forTrigger_whenShort_readsActionClusterTrigger() {
        assertTrue(ExecutionNames.forTrigger("prod", "v1", "apply").matches("apply-prod-v1_[0-9a-f]{16}"));
    }

    @Test
    void forTrigger_whenInputsDifferOnlyInReplacedCharacters_differ() {
        assertNotEquals(ExecutionNames.forTrigger("prod", "v1.2", "apply"), ExecutionNames.forTrigger("prod", "v1-2", "apply"));
        assertNotEquals(ExecutionNames.forTrigger("prod", "x", "apply"), ExecutionNames.forTrigger("prod", "x", "delete"));
        assertNotEquals(ExecutionNames.forTrigger("a-b", "c", "apply"), ExecutionNames.forTrigger("a", "b-c", "apply"));
    }

    @Test
    void forTrigger_whenManyTriggers_namesAreUnique() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            names.add(ExecutionNames.forTrigger("prod", "version-" + i, "apply"));
        }
        assertEquals(10_000, names.size());
    }

    @Test
    void isValid_whenForbiddenCharacters_isFalse() {
        assertFalse(ExecutionNames.isValid("has space"));
        assertFalse(ExecutionNames.isValid("a".repeat(81)));
        assertFalse(ExecutionNames.isValid(""));
        assertTrue(ExecutionNames.isValid("a".repeat(80)));
    }
}
