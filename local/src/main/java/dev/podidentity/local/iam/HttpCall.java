package dev.podidentity.local.iam;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One AWS API request as the gateway received it, named (service, operation, region) by its classifier. */
public record HttpCall(String service, String operation, String region, String method, String rawPath, String rawQuery,
                       String contentType, byte[] body) {

    /** Query-string parameters, URL-decoded; repeated names keep their first value. */
    public Map<String, String> query() {
        return decode(rawQuery);
    }

    /** Every value of a repeated query-string parameter ({@code tagKeys=a&tagKeys=b}), URL-decoded. */
    public List<String> queryAll(String name) {
        List<String> out = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                    out.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** Form parameters of a query-protocol request (IAM, STS, SQS query): the query string and the form body. */
    public Map<String, String> form() {
        Map<String, String> out = new LinkedHashMap<>(query());
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            out.putAll(decode(new String(body, StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** The path's segments, URL-decoded. */
    public List<String> segments() {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static Map<String, String> decode(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }
}
