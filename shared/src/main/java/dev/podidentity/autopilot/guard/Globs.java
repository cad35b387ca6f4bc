package dev.podidentity.autopilot.guard;

import java.util.regex.Pattern;

/** The guardrails' one wildcard: {@code *} is any run of characters (none included); everything else is literal. */
final class Globs {
    private Globs() {
    }

    static boolean matches(String glob, String value) {
        return value != null && pattern(glob).matcher(value).matches();
    }

    static Pattern pattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }
}
