package dev.shootdown.report;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.util.Map;

/**
 * The HTML templates of {@code src/main/jte}, precompiled by jte-maven-plugin into classes of the jar:
 * every value a template writes is escaped for where it goes (text or attribute) unless the template
 * says {@code $unsafe} (markup this package built, such as a plot's SVG).
 */
final class Templates {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Templates() {}

    /** Template {@code name} ({@code sim-report.jte}) with its one parameter, named {@code param} in it. */
    static String render(String name, String param, Object value) {
        StringOutput out = new StringOutput();
        ENGINE.render(name, Map.of(param, value), out);
        return out.toString();
    }
}
