package dev.shootdown.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line plot as standalone SVG, written by hand (no library, no script, no network): y from zero
 * on a linear axis with 1-2-2.5-5 ticks, x on a log2 axis (CPU counts), a log10 one (values spanning
 * decades) or a linear one, one line per series with a marker per point (its value in a tooltip), and a
 * legend below: a colour and a marker shape per series name, a dash style per variant (p50 solid, p99
 * dashed). A point with a spread (several seeds) has an error bar from its low to its high value.
 *
 * <p>Lines that coincide stay visible: each name has its own marker shape (circle, square, triangle,
 * diamond, ...), earlier names are drawn wider under later ones, and where points carry error bars each
 * name's points, bars and line are moved a few pixels sideways (dodged) so bars at one x do not hide
 * each other. A long series (a CDF) marks about eight of its points, at places that differ per name.
 *
 * <p>The markup names its parts for tests and scripts: {@code g.series} with {@code data-name} and
 * {@code data-variant}, {@code .point} (a circle or a path) with {@code data-x}/{@code data-y} (and
 * {@code data-low}/{@code data-high} with a spread), {@code line.errorbar}, {@code text.xtick},
 * {@code text.ytick}, {@code text.xlabel}, {@code text.ylabel}, {@code text.title}.
 */
public record SvgPlot(String title, XAxis x, String yLabel, List<Series> series) {
    /** A value, and the interval around it (NaN for none): a mean and its 95% confidence interval over seeds. */
    public record Point(double x, double y, double low, double high) {
        public Point(double x, double y) {
            this(x, y, Double.NaN, Double.NaN);
        }

        boolean hasSpread() {
            return Double.isFinite(low) && Double.isFinite(high);
        }
    }

    /** Marker shapes, one per series name in order: a circle, then paths around (0, 0) of about the circle's size. */
    static final String[] MARKERS = {"circle", "M-3.5,-3.5h7v7h-7z", "M0,-4.5L4,3L-4,3z", "M0,-4.5L4.5,0L0,4.5L-4.5,0z", "M0,4.5L4,-3L-4,-3z",
            "M-4,-1.5h2.5v-2.5h3v2.5h2.5v3h-2.5v2.5h-3v-2.5h-2.5z"};

    /** Sideways pixels between the dodged points of two names. */
    static final double DODGE = 4;

    /** About how many markers a long series gets. */
    static final int MARKS = 8;

    /** How x values map onto the axis: a tick per power of two, per power of ten, or evenly spaced 1-2-2.5-5 steps. */
    public enum Scale { LOG2, LOG10, LINEAR }

    /**
     * The x axis: its label, its scale, and the words around a value where one x is named alone (a
     * point's tooltip, a table's column): {@code 16 CPUs} or {@code tick_hz 250}.
     */
    public record XAxis(String label, Scale scale, String before, String after) {
        public static final XAxis CPUS = new XAxis("CPUs (log scale)", Scale.LOG2, "", " CPUs");

        public String name(double v) {
            return before + num(v) + after;
        }

        boolean log() {
            return scale != Scale.LINEAR;
        }
    }

    /** One line: its legend name, a variant ("" for none), its colour, solid or dashed, its points (NaN y is a gap in the data: skipped). */
    public record Series(String name, String variant, String color, boolean dashed, List<Point> points) {}

    /** An axis: its domain, where the ticks go, and how a value maps onto it. */
    record Axis(double min, double max, List<Double> ticks, List<String> labels, boolean log) {
        double at(double v, double from, double to) {
            double f = log ? (log2(v) - log2(min)) / (log2(max) - log2(min)) : (v - min) / (max - min);
            return from + f * (to - from);
        }
    }

    static final int WIDTH = 600;
    static final double LEFT = 74;
    static final double RIGHT = 20;
    static final double TOP = 40;
    static final double PLOT_HEIGHT = 230;
    private static final double CHAR = 6.8;

    public SvgPlot {
        series = List.copyOf(series);
    }

    public String svg() {
        List<Series> drawn = new ArrayList<>();
        for (Series s : series) {
            List<Point> pts = s.points().stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y()) && (!x.log() || p.x() > 0))
                    .sorted(Comparator.comparingDouble(Point::x)).toList();
            drawn.add(new Series(s.name(), s.variant(), s.color(), s.dashed(), pts));
        }
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : drawn) {
            for (Point p : s.points()) {
                xMin = Math.min(xMin, p.x());
                xMax = Math.max(xMax, p.x());
                yMax = Math.max(yMax, p.hasSpread() ? Math.max(p.y(), p.high()) : p.y());
            }
        }
        if (xMin > xMax) {
            xMin = 1;
            xMax = x.log() ? 2 : 1;
        }
        Axis xAxis = switch (x.scale()) {
            case LOG2 -> logAxis(2, xMin, xMax);
            case LOG10 -> logAxis(10, xMin, xMax);
            case LINEAR -> linearAxis(xMin == xMax ? xMin - 1 : xMin, xMax);
        };
        Axis y = linearAxis(0, yMax);

        double left = LEFT;
        double right = WIDTH - RIGHT;
        double top = TOP;
        double bottom = TOP + PLOT_HEIGHT;

        List<String[]> legend = legendEntries(drawn);
        // A name too long for a line (a protocol's title and what else tells its line apart) wraps at spaces.
        int chars = (int) ((right - left - 48) / CHAR);
        List<List<String>> texts = new ArrayList<>();
        List<double[]> places = new ArrayList<>();
        double lx = left;
        double ly = bottom + 62;
        double rowLines = 1;
        for (String[] entry : legend) {
            List<String> lines = wrap(entry[0], chars);
            double w = 30 + lines.stream().mapToInt(String::length).max().orElse(0) * CHAR + 18;
            if (lx + w > right && lx > left) {
                lx = left;
                ly += 20 + 16 * (rowLines - 1);
                rowLines = 1;
            }
            texts.add(lines);
            places.add(new double[] {lx, ly});
            lx += w;
            rowLines = Math.max(rowLines, lines.size());
        }
        int height = (int) Math.ceil((legend.isEmpty() ? bottom + 48 : ly + 14 + 16 * (rowLines - 1)));

        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"")
                .append(xml(title)).append("\">\n");
        b.append("<title>").append(xml(title)).append("</title>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" fill=\"#ffffff\"/>\n");
        b.append("<text class=\"title\" x=\"").append(f(left)).append("\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">")
                .append(xml(title)).append("</text>\n");

        // Grid and ticks.
        b.append("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n");
        for (double t : y.ticks()) {
            double py = y.at(t, bottom, top);
            b.append("<line x1=\"").append(f(left)).append("\" y1=\"").append(f(py)).append("\" x2=\"").append(f(right)).append("\" y2=\"").append(f(py)).append("\"/>\n");
        }
        for (double t : xAxis.ticks()) {
            double px = xAxis.at(t, left, right);
            b.append("<line x1=\"").append(f(px)).append("\" y1=\"").append(f(top)).append("\" x2=\"").append(f(px)).append("\" y2=\"").append(f(bottom)).append("\"/>\n");
        }
        b.append("</g>\n");
        b.append("<g class=\"axes\" stroke=\"#555\" stroke-width=\"1\">\n");
        b.append("<line x1=\"").append(f(left)).append("\" y1=\"").append(f(bottom)).append("\" x2=\"").append(f(right)).append("\" y2=\"").append(f(bottom)).append("\"/>\n");
        b.append("<line x1=\"").append(f(left)).append("\" y1=\"").append(f(top)).append("\" x2=\"").append(f(left)).append("\" y2=\"").append(f(bottom)).append("\"/>\n");
        b.append("</g>\n");
        b.append("<g fill=\"#444\">\n");
        for (int i = 0; i < y.ticks().size(); i++) {
            double py = y.at(y.ticks().get(i), bottom, top);
            b.append("<text class=\"ytick\" x=\"").append(f(left - 8)).append("\" y=\"").append(f(py + 4)).append("\" text-anchor=\"end\">")
                    .append(xml(y.labels().get(i))).append("</text>\n");
        }
        for (int i = 0; i < xAxis.ticks().size(); i++) {
            double px = xAxis.at(xAxis.ticks().get(i), left, right);
            b.append("<text class=\"xtick\" x=\"").append(f(px)).append("\" y=\"").append(f(bottom + 18)).append("\" text-anchor=\"middle\">")
                    .append(xml(xAxis.labels().get(i))).append("</text>\n");
        }
        b.append("</g>\n");
        b.append("<text class=\"xlabel\" x=\"").append(f((left + right) / 2)).append("\" y=\"").append(f(bottom + 40))
                .append("\" text-anchor=\"middle\" fill=\"#222\">").append(xml(x.label())).append("</text>\n");
        b.append("<text class=\"ylabel\" transform=\"translate(18 ").append(f((top + bottom) / 2)).append(") rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">")
                .append(xml(yLabel)).append("</text>\n");

        // The data: a marker shape per name; earlier names wider, dodged sideways where there are error bars.
        List<String> names = new ArrayList<>(legendNames(drawn).keySet());
        boolean dodge = drawn.stream().anyMatch(sr -> sr.points().stream().anyMatch(Point::hasSpread)) && names.size() > 1;
        for (Series s : drawn) {
            int k = names.indexOf(s.name());
            double dx = dodge ? (k - (names.size() - 1) / 2.0) * DODGE : 0;
            double width = 2 + (names.size() > 1 ? 1.5 * (names.size() - 1 - k) / (names.size() - 1) : 0);
            b.append("<g class=\"series\" data-name=\"").append(xml(s.name())).append("\" data-variant=\"").append(xml(s.variant())).append("\">\n");
            if (s.points().size() > 1) {
                b.append("<polyline class=\"line\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"").append(f(width)).append('"')
                        .append(s.dashed() ? " stroke-dasharray=\"7 4\"" : "").append(" points=\"");
                for (int i = 0; i < s.points().size(); i++) {
                    Point p = s.points().get(i);
                    b.append(i == 0 ? "" : " ").append(f(xAxis.at(p.x(), left, right) + dx)).append(',').append(f(y.at(p.y(), bottom, top)));
                }
                b.append("\"/>\n");
            }
            int every = s.points().size() > 2 * MARKS ? (int) Math.ceil(s.points().size() / (double) MARKS) : 1;
            for (int i = 0; i < s.points().size(); i++) {
                Point p = s.points().get(i);
                double px = xAxis.at(p.x(), left, right) + dx;
                if (p.hasSpread()) {
                    double lo = y.at(p.low(), bottom, top);
                    double hi = y.at(p.high(), bottom, top);
                    b.append("<path class=\"errorbar\" stroke=\"").append(s.color()).append("\" stroke-width=\"1.5\" fill=\"none\" d=\"M")
                            .append(f(px - 3)).append(',').append(f(hi)).append("h6M").append(f(px)).append(',').append(f(hi)).append("V").append(f(lo))
                            .append("M").append(f(px - 3)).append(',').append(f(lo)).append("h6\"/>\n");
                }
                if (every > 1 && (i + k * every / Math.max(1, names.size())) % every != 0) {
                    continue;
                }
                marker(b, "point", MARKERS[k % MARKERS.length], px, y.at(p.y(), bottom, top), s.color(), s.dashed());
                b.append(" data-x=\"").append(num(p.x())).append("\" data-y=\"").append(num(p.y())).append('"');
                if (p.hasSpread()) {
                    b.append(" data-low=\"").append(num(p.low())).append("\" data-high=\"").append(num(p.high())).append('"');
                }
                b.append("><title>").append(xml(s.name() + (s.variant().isEmpty() ? "" : " " + s.variant()) + ": " + x.name(p.x()) + ", " + num(p.y())
                                + (p.hasSpread() ? " (95% interval " + num(p.low()) + " to " + num(p.high()) + ")" : "") + " " + yLabel))
                        .append("</title></").append(MARKERS[k % MARKERS.length].equals("circle") ? "circle" : "path").append(">\n");
            }
            b.append("</g>\n");
        }

        // The legend: a colour per name, then a line style per variant.
        b.append("<g class=\"legend\">\n");
        for (int i = 0; i < legend.size(); i++) {
            String[] e = legend.get(i);
            double ex = places.get(i)[0];
            double ey = places.get(i)[1];
            b.append("<line x1=\"").append(f(ex)).append("\" y1=\"").append(f(ey - 4)).append("\" x2=\"").append(f(ex + 24)).append("\" y2=\"").append(f(ey - 4))
                    .append("\" stroke=\"").append(e[1]).append("\" stroke-width=\"").append(e[2].equals("name") ? "3" : "2").append('"')
                    .append(e[2].equals("dashed") ? " stroke-dasharray=\"7 4\"" : "").append("/>\n");
            if (e[2].equals("name")) {
                marker(b, "key", MARKERS[names.indexOf(e[0]) % MARKERS.length], ex + 12, ey - 4, e[1], false);
                b.append("/>\n");
            }
            b.append("<text class=\"legend-").append(e[2].equals("name") ? "name" : "variant").append("\" x=\"").append(f(ex + 30)).append("\" y=\"").append(f(ey))
                    .append("\" fill=\"#222\">");
            List<String> lines = texts.get(i);
            if (lines.size() == 1) {
                b.append(xml(e[0]));
            }
            for (int l = 0; lines.size() > 1 && l < lines.size(); l++) {
                // The space a line breaks at ends the line before, so the text is still the whole name.
                b.append("<tspan x=\"").append(f(ex + 30)).append("\" dy=\"").append(l == 0 ? "0" : "16").append("\">")
                        .append(xml(lines.get(l) + (l < lines.size() - 1 ? " " : ""))).append("</tspan>");
            }
            b.append("</text>\n");
        }
        b.append("</g>\n");
        b.append("</svg>\n");
        return b.toString();
    }

    /**
     * The start of a marker element of class {@code cls} ({@code point} on the plot, {@code key} in the legend), its attributes open for more: a circle, or a path of {@code shape} moved to
     * (x, y); filled with the colour, or white for a dashed variant.
     */
    private static void marker(StringBuilder b, String cls, String shape, double x, double y, String color, boolean hollow) {
        String paint = "\" stroke=\"" + color + "\" stroke-width=\"1.5\" fill=\"" + (hollow ? "#ffffff" : color) + '"';
        if (shape.equals("circle")) {
            b.append("<circle class=\"").append(cls).append("\" cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"3.5").append(paint);
        } else {
            b.append("<path class=\"").append(cls).append("\" transform=\"translate(").append(f(x)).append(' ').append(f(y)).append(")\" d=\"").append(shape).append(paint);
        }
    }

    /** {@code text} in lines of at most {@code chars} characters, broken at spaces (a longer word is a line of its own). */
    static List<String> wrap(String text, int chars) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > chars) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Each series name with its colour, in order of first appearance. */
    private static Map<String, String> legendNames(List<Series> drawn) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Series s : drawn) {
            names.putIfAbsent(s.name(), s.color());
        }
        return names;
    }

    /** [text, colour, kind]: kind is "name", "solid" or "dashed". */
    private static List<String[]> legendEntries(List<Series> drawn) {
        Map<String, String> names = legendNames(drawn);
        Map<String, Boolean> variants = new LinkedHashMap<>();
        for (Series s : drawn) {
            if (!s.variant().isEmpty()) {
                variants.putIfAbsent(s.variant(), s.dashed());
            }
        }
        List<String[]> out = new ArrayList<>();
        names.forEach((n, c) -> out.add(new String[] {n, c, "name"}));
        variants.forEach((v, dashed) -> out.add(new String[] {v, "#666666", dashed ? "dashed" : "solid"}));
        return out;
    }

    // ---------------------------------------------------------------- axes

    /**
     * Powers of {@code base} around [min, max] (every other one past eleven ticks); a single value gets
     * a power on each side. Powers of two (CPU counts) are labelled in full, powers of ten with an SI
     * suffix (1k, 10k, 1M).
     */
    static Axis logAxis(int base, double min, double max) {
        int lo = (int) Math.floor(Math.log(min) / Math.log(base) + 1e-9);
        int hi = (int) Math.ceil(Math.log(max) / Math.log(base) - 1e-9);
        if (lo == hi) {
            lo--;
            hi++;
        }
        int stride = hi - lo > 10 ? 2 : 1;
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int k = lo; k <= hi; k += stride) {
            double v = Math.pow(base, k);
            ticks.add(v);
            labels.add(base == 10 ? tickLabel(v, k >= 9 ? 1e9 : k >= 6 ? 1e6 : k >= 3 ? 1e3 : 1, Math.max(0, -k)) : num(v));
        }
        return new Axis(Math.pow(base, lo), Math.pow(base, hi), ticks, labels, true);
    }

    /** From {@code min} (zero for y) to the first tick at or above {@code max}, about five steps of 1, 2, 2.5 or 5 times a power of ten. */
    static Axis linearAxis(double min, double max) {
        if (!(max > min)) {
            max = min + 1;
        }
        double step = niceStep((max - min) / 5);
        double first = Math.floor(min / step + 1e-9) * step;
        int n = (int) Math.ceil((max - first) / step - 1e-9);
        double factor = siFactor(first + n * step);
        int decimals = decimals(step / factor);
        List<Double> ticks = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            double v = first + i * step;
            ticks.add(v);
            labels.add(tickLabel(v, factor, decimals));
        }
        return new Axis(first, first + n * step, ticks, labels, false);
    }

    static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        double m = r <= 1 + 1e-9 ? 1 : r <= 2 + 1e-9 ? 2 : r <= 2.5 + 1e-9 ? 2.5 : r <= 5 + 1e-9 ? 5 : 10;
        return m * mag;
    }

    private static double siFactor(double top) {
        return top >= 1e9 ? 1e9 : top >= 1e6 ? 1e6 : top >= 1e4 ? 1e3 : 1;
    }

    private static int decimals(double step) {
        for (int d = 0; d < 9; d++) {
            double scaled = step * Math.pow(10, d);
            if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * Math.max(1, scaled)) {
                return d;
            }
        }
        return 9;
    }

    private static String tickLabel(double v, double factor, int decimals) {
        String suffix = factor == 1e9 ? "G" : factor == 1e6 ? "M" : factor == 1e3 ? "k" : "";
        BigDecimal d = BigDecimal.valueOf(v / factor).setScale(decimals, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
        String s = d.signum() == 0 ? "0" : d.toPlainString();
        return s + (d.signum() == 0 ? "" : suffix);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    // ---------------------------------------------------------------- text

    /** A coordinate, to a tenth of a pixel. */
    private static String f(double v) {
        double r = Math.rint(v * 10) / 10;
        return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.1f", r);
    }

    /** A data value, short: integers as integers, the rest to four significant digits. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String xml(String s) {
        return HtmlCounterexample.esc(s);
    }
}
