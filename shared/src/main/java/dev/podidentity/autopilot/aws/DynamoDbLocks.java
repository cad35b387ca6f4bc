package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.port.Locks;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The run locks as items of one DynamoDB table ({@code lockId} key; while held {@code owner}, {@code ownerArn},
 * {@code acquiredAt}; {@code expiresAt} in epoch seconds, the table's TTL attribute; {@code changedHandsAt} in epoch
 * milliseconds, the last release or takeover). Each write is one conditional UpdateItem; a failed condition is an
 * answer ("someone else holds it"), not an error. A release removes the owner but keeps the item, so the next run
 * learns when the lock was last given back; the TTL deletes a free lock's item a lease after its release. Reads are
 * strongly consistent so a lease written a moment ago is seen. The client comes from a supplier, so it is built on
 * first use.
 */
public final class DynamoDbLocks implements Locks {
    private static final String OWNER = "#owner";
    private static final String CHANGED_HANDS_AT = "changedHandsAt";

    private final Supplier<DynamoDbClient> dynamoDb;
    private final String table;

    public DynamoDbLocks(Supplier<DynamoDbClient> dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public OptionalLong tryAcquire(Lease lease) {
        // ALL_OLD: the item before this write, whose changedHandsAt the write leaves as it was
        Optional<Map<String, AttributeValue>> before = update(lease.lockId(), leaseUpdate(""),
                "attribute_not_exists(#owner) OR #owner = :me", leaseValues(lease, Map.of()),
                "acquire");
        return before.map(item -> OptionalLong.of(number(item, CHANGED_HANDS_AT))).orElse(OptionalLong.empty());
    }

    @Override
    public boolean takeOver(Lease lease, String previousOwner, long atMillis) {
        return update(lease.lockId(), leaseUpdate(", " + CHANGED_HANDS_AT + " = :at"), "#owner = :previous",
                leaseValues(lease, Map.of(":previous", string(previousOwner), ":at", number(atMillis))),
                "take over").isPresent();
    }

    @Override
    public boolean release(String lockId, String owner, long atMillis, long keepUntil) {
        return update(lockId, "REMOVE #owner, ownerArn, acquiredAt SET " + CHANGED_HANDS_AT + " = :at, expiresAt = :keep",
                "#owner = :me", Map.of(":me", string(owner), ":at", number(atMillis), ":keep", number(keepUntil)),
                "release").isPresent();
    }

    private static String leaseUpdate(String more) {
        return "SET #owner = :me, ownerArn = :arn, acquiredAt = :acquired, expiresAt = :expires" + more;
    }

    private static Map<String, AttributeValue> leaseValues(Lease lease, Map<String, AttributeValue> more) {
        Map<String, AttributeValue> values = new HashMap<>(more);
        values.put(":me", string(lease.owner()));
        values.put(":arn", string(lease.ownerArn()));
        values.put(":acquired", number(lease.acquiredAt()));
        values.put(":expires", number(lease.expiresAt()));
        return values;
    }

    /** The item before the write when its condition held; empty when it did not. */
    private Optional<Map<String, AttributeValue>> update(String lockId, String expression, String condition,
                                                         Map<String, AttributeValue> values, String what) {
        try {
            Map<String, AttributeValue> before = dynamoDb.get().updateItem(b -> b.tableName(table)
                    .key(Map.of("lockId", string(lockId))).updateExpression(expression)
                    .conditionExpression(condition).expressionAttributeNames(Map.of(OWNER, "owner"))
                    .expressionAttributeValues(values).returnValues(ReturnValue.ALL_OLD)).attributes();
            return Optional.of(before == null ? Map.of() : before);
        } catch (ConditionalCheckFailedException held) {
            return Optional.empty();
        } catch (DynamoDbException e) {
            throw AwsErrors.map(e, "UpdateItem (" + what + ") " + table + " " + lockId);
        }
    }

    @Override
    public Optional<Lease> read(String lockId) {
        try {
            Map<String, AttributeValue> item = dynamoDb.get().getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("lockId", string(lockId)))).item();
            if (item == null || text(item, "owner") == null) {
                return Optional.empty(); // never taken, or released
            }
            return Optional.of(new Lease(lockId, text(item, "owner"), text(item, "ownerArn"),
                    number(item, "acquiredAt"), number(item, "expiresAt")));
        } catch (DynamoDbException e) {
            throw AwsErrors.map(e, "GetItem " + table + " " + lockId);
        }
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
