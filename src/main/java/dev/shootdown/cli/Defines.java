package dev.shootdown.cli;

import dev.shootdown.lang.UserError;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code -D NAME=VALUE}: values for a model's {@code param}s, for the commands that read models. */
final class Defines {
    @Option(names = "-D", paramLabel = "NAME=VALUE", description = "Set the model's 'param NAME' to VALUE, a whole number (repeatable): -D N=6.")
    Map<String, String> given = new LinkedHashMap<>();

    /** The values as numbers; a value that is not a whole number is an error naming it. */
    Map<String, Integer> values() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            try {
                out.put(e.getKey(), Integer.parseInt(e.getValue().trim()));
            } catch (NumberFormatException x) {
                throw new UserError("-D " + e.getKey() + "=" + e.getValue() + ": expected a whole number");
            }
        }
        return out;
    }
}
