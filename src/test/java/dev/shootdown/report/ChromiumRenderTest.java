package dev.shootdown.report;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the counterexample page in headless Chromium (Debian's package; .ci/run installs it) and
 * checks what the browser made of it: the DOM it built has the timeline rows and cells (a broken page
 * would be restructured or cut short), and a screenshot shows the highlighted violating row. Skipped
 * where /usr/bin/chromium is absent.
 */
class ChromiumRenderTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The page's --bad background (#fde2e2) and --act background (#eef5ff). */
    private static final int VIOLATION_RGB = 0xfde2e2;
    private static final int ACTING_RGB = 0xeef5ff;

    @TempDir
    Path dir;

    @BeforeEach
    void needsChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium); render check skipped");
    }

    @Test
    void theRenderedDomHasEveryTimelineRowWithItsCells() throws Exception {
        CheckedModel m = CheckedModel.catalog("001-mach-paper-order");
        Path page = write(m.html());
        String dom = chromium("--dump-dom", page.toUri().toString());
        assertThat(dom).contains("<table class=\"timeline\" id=\"timeline\">", "<table class=\"snap\">");
        // The full snapshot of each step is a table of its own inside the row; leave it out to count the timeline's rows.
        dom = dom.replaceAll("(?s)<table class=\"snap\">.*?</table>", "");
        String body = dom.substring(dom.indexOf("<tbody>", dom.indexOf("id=\"timeline\"")), dom.indexOf("</tbody>", dom.indexOf("id=\"timeline\"")));
        List<String> all = rows(body);
        // A folded handler run or run of drains has a row of its own before its steps' rows, which stay (hidden until opened).
        List<String> folds = all.stream().filter(r -> r.startsWith("<tr class=\"fold")).toList();
        assertThat(folds).as("cpu2 takes interrupts: its handler runs are folded").isNotEmpty();
        List<String> rows = all.stream().filter(r -> !r.startsWith("<tr class=\"fold")).toList();
        // The initial-state row, one row per step, nothing else.
        assertThat(rows).hasSize(m.cx().steps().size() + 1);
        for (int i = 1; i < rows.size(); i++) {
            String row = rows.get(i);
            assertThat(row).as("row %d", i).startsWith("<tr class=\"step").contains("id=\"step-" + i + "\"");
            assertThat(count(row, "<td")).as("cells of row %d", i).isEqualTo(m.cx().cpus() + 2);
            // The browser read the statement as text (Chromium serializes text with &, < and > escaped).
            String action = m.cx().steps().get(i - 1).action().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            assertThat(row).as("row %d", i).contains("<div class=\"stmt\"><code>" + action + "</code>");
        }
        assertThat(rows.get(rows.size() - 1)).startsWith("<tr class=\"step violating kept\"");
        assertThat(dom).contains("id=\"L93\"");
    }

    @Test
    void aScreenshotShowsTheHighlightedViolatingRow() throws Exception {
        Path page = write(CheckedModel.catalog("000-pte-first-no-wait").html());
        Path png = dir.resolve("page.png");
        chromium("--hide-scrollbars", "--window-size=1280,1600", "--screenshot=" + png, page.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1280);
        int violation = 0;
        int acting = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                violation += near(rgb, VIOLATION_RGB) ? 1 : 0;
                acting += near(rgb, ACTING_RGB) ? 1 : 0;
            }
        }
        // The violating row spans the table (about 1240 x 100 px, less its text); acting cells fill six more.
        assertThat(violation).as("pixels in the violation colour").isGreaterThan(40_000);
        assertThat(acting).as("pixels in the acting-cell colour").isGreaterThan(40_000);
    }

    @Test
    void tickingOnlyTheKeptStepsHidesTheOthersWithoutScript() throws Exception {
        String html = CheckedModel.catalog("003-lazy-2016-cpumask-clear").html();
        int open = lastRowOf(html, VIOLATION_RGB);
        int sliced = lastRowOf(html.replace("id=\"only-kept\"/>", "id=\"only-kept\" checked=\"checked\"/>"), VIOLATION_RGB);
        assertThat(open).as("the source's violating line is on the page").isPositive();
        // Three of the 14 steps are not kept (cpu1's faulting read, cpu0's flush_tlb_all and free of f): what follows the timeline moves up by their height.
        assertThat(sliced).as("the source's violating line with the other steps hidden").isPositive().isLessThan(open - 150);
    }

    /** The last pixel row of a screenshot of {@code html} with many pixels near {@code rgb} (the source's violating line), or -1. */
    private int lastRowOf(String html, int rgb) throws Exception {
        Path page = write(html);
        Path png = dir.resolve("rows.png");
        Files.deleteIfExists(png);
        chromium("--hide-scrollbars", "--window-size=1280,4000", "--screenshot=" + png, page.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        for (int y = img.getHeight() - 1; y >= 0; y--) {
            int hits = 0;
            for (int x = 0; x < img.getWidth(); x++) {
                hits += near(img.getRGB(x, y) & 0xffffff, rgb) ? 1 : 0;
            }
            if (hits > 600) {
                return y;
            }
        }
        return -1;
    }

    private Path write(String html) throws IOException {
        Path page = dir.resolve("counterexample.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        return page;
    }

    /** Runs Chromium headless with the flags this machine needs (no network, no sandbox as root, a fresh profile). */
    private String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path stdout = dir.resolve("chromium.out");
        Path stderr = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        // A guard against a hung browser, not a timing assertion.
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + Files.readString(stderr));
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", Files.readString(stderr)).isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static List<String> rows(String tbody) {
        List<String> rows = new ArrayList<>();
        Matcher m = Pattern.compile("<tr\\b.*?</tr>", Pattern.DOTALL).matcher(tbody);
        while (m.find()) {
            rows.add(m.group());
        }
        return rows;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((rgb >> shift & 0xff) - (want >> shift & 0xff)) > 3) {
                return false;
            }
        }
        return true;
    }
}
