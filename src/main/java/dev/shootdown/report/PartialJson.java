package dev.shootdown.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape every JSON result that can be cut short shares (a sweep, reproduce's rows, the catalog's
 * entries): what it has under {@code key}, and when parts are missing, {@code "partial": true} and
 * {@code stop_reason} before them and {@code "missing"} after. A complete result has none of these keys.
 */
final class PartialJson {
    private PartialJson() {}

    /** {@code head}'s keys, then the partial keys, then {@code key: items}, then {@code missing} (each naming a part not there). */
    static Map<String, Object> of(Map<String, Object> head, String key, List<?> items, List<Map<String, Object>> missing, String stopReason) {
        Map<String, Object> out = new LinkedHashMap<>(head);
        if (!missing.isEmpty()) {
            out.put("partial", true);
            if (stopReason != null) {
                out.put("stop_reason", stopReason);
            }
        }
        out.put(key, items);
        if (!missing.isEmpty()) {
            out.put("missing", missing);
        }
        return out;
    }
}
