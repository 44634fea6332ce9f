package dev.shootdown.report;

import dev.shootdown.check.Counterexample;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page is well-formed XML by design, so these tests read it with the JDK's XML parser and ask
 * XPath questions about the timeline: rows, columns, the highlighted step, and the PTE/TLB state
 * shown at known steps of catalog counterexamples.
 */
class HtmlCounterexampleTest {
    private static final CheckedModel NO_WAIT = CheckedModel.catalog("000-pte-first-no-wait");

    @Test
    void oneRowPerStepAndOneColumnPerCpu() {
        Document page = parse(NO_WAIT.html());
        Counterexample cx = NO_WAIT.cx();
        assertThat(cx.steps()).hasSize(6);
        assertThat(texts(page, "//table[@id='timeline']/thead/tr/th[contains(@class,'cpu')]")).containsExactly("cpu0", "cpu1");
        assertThat(nodes(page, "//table[@id='timeline']/tbody/tr[contains(@class,'step')]")).hasSize(6);
        for (Counterexample.Step step : cx.steps()) {
            Element row = row(page, step.number());
            assertThat(nodes(row, "td")).as("cells of step %d", step.number()).hasSize(cx.cpus() + 2);
            // td[1] is the step number, td[2] cpu0, ...: the acting CPU's cell carries the statement.
            assertThat(nodes(row, "td[contains(@class,'act')]")).hasSize(1);
            Element act = (Element) nodes(row, "td[" + (step.cpu() + 2) + "]").get(0);
            assertThat(act.getAttribute("class")).contains("act");
            assertThat(text(act, "div[@class='stmt']/code")).isEqualTo(step.action());
            assertThat(row.getAttribute("data-cpu")).isEqualTo(String.valueOf(step.cpu()));
        }
        assertThat(nodes(page, "//tr[@id='step-0' and contains(@class,'initial')]")).hasSize(1);
    }

    @Test
    void onlyTheViolatingStepIsHighlightedAndItSaysWhy() {
        Document page = parse(NO_WAIT.html());
        List<Node> highlighted = nodes(page, "//tr[contains(concat(' ', @class, ' '), ' violating ')]");
        assertThat(highlighted).hasSize(1);
        assertThat(((Element) highlighted.get(0)).getAttribute("id")).isEqualTo("step-6");
        assertThat(text(row(page, 6), "td[contains(@class,'act')]/div[@class='why']"))
                .isEqualTo("use_after_free: load reaches frame f, which is free");
        assertThat(text(page, "//p[@id='verdict']")).startsWith("use_after_free at step 6");
        assertThat(attr(page, "//p[@id='verdict']/a", "href")).isEqualTo("#step-6");
    }

    @Test
    void pteAndTlbStateAfterKnownSteps() {
        Document page = parse(NO_WAIT.html());
        // Initial: PTE present, both TLBs empty, nothing marked as changed.
        assertThat(cell(page, 0, "pte", "p")).isEqualTo("same|p: f RW");
        assertThat(texts(row(page, 0), "td[@class='cpu']//div[@class='tlb']/span[@class='vs']")).containsExactly("empty", "empty");
        // Step 1, cpu1 read(p): the walk fills its TLB and sets A in the PTE.
        assertThat(tlb(page, 1, 1, "p")).isEqualTo("chg|p \u2192 f RW A");
        assertThat(cell(page, 1, "pte", "p")).isEqualTo("chg|p: f RW A (was f RW)");
        // Step 2, cpu0 clears the PTE: cpu1's entry is now stale, and still there.
        assertThat(cell(page, 2, "pte", "p")).isEqualTo("chg|p: none (was f RW A)");
        assertThat(tlb(page, 2, 1, "p")).isEqualTo("same stale|p \u2192 f RW A stale");
        assertThat(attr(row(page, 2), "td[3]//span[@data-key='p']", "title")).isEqualTo("stale: the PTE is none");
        // Step 3, the IPI is pending at cpu1; step 5 frees the frame; step 6 still has the stale entry.
        assertThat(texts(row(page, 3), "td[3]//div[@class='ipi']//span[contains(@class,'chg')]")).containsExactly("flush_one from cpu0");
        assertThat(cell(page, 3, "pte", "p")).isEqualTo("same|p: none");
        assertThat(cell(page, 5, "frames", "f")).isEqualTo("chg|f: free (was A)");
        assertThat(tlb(page, 6, 1, "p")).isEqualTo("same stale|p \u2192 f RW A stale");
        assertThat(texts(row(page, 6), "td[2]//div[@class='tlb']/span[@class='vs']")).containsExactly("empty");
    }

    @Test
    void flushedEntriesAndTakenIpisAreStruckThrough() {
        CheckedModel m = CheckedModel.catalog("000-swap-out-blind-set");
        Document page = parse(m.html());
        int taken = stepNumber(m.cx(), 1, "<IPI flush_one from cpu0>");
        assertThat(texts(row(page, taken), "td[3]//div[@class='ipi']//del[contains(@class,'gone')]")).containsExactly("flush_one from cpu0");
        int flush = stepNumber(m.cx(), 1, "flush_tlb_page(p)");
        assertThat(texts(row(page, flush), "td[3]//div[@class='tlb']//del[contains(@class,'gone')]")).containsExactly("p \u2192 f RW A D");
        assertThat(texts(row(page, flush), "td[3]//div[@class='tlb']//span[contains(concat(' ', @class, ' '), ' v ')]")).isEmpty();
    }

    @Test
    void storeBuffersAndTheirDrainUnderTso() {
        CheckedModel m = CheckedModel.text("lazy-tso.sd", CheckedModel.LAZY_TSO);
        Document page = parse(m.html());
        int store = stepNumber(m.cx(), 0, "tlb_gen = tlb_gen + 1");
        assertThat(texts(row(page, store), "td[2]//div[@class='sb']//span[contains(@class,'chg')]")).containsExactly("tlb_gen = 1");
        assertThat(cell(page, store, "shared", "tlb_gen")).isEqualTo("same|tlb_gen = 0");
        int drain = stepNumber(m.cx(), 0, "<store buffer drains>");
        assertThat(texts(row(page, drain), "td[2]//div[@class='sb']//span[contains(@class,'chg')]")).containsExactly("drained");
        assertThat(cell(page, drain, "shared", "tlb_gen")).isEqualTo("chg|tlb_gen = 1 (was 0)");
        assertThat(m.html()).contains("<code>&lt;store buffer drains&gt;</code>");
        assertThat(text(page, "//tr[contains(@class,'violating')]/td[contains(@class,'act')]/div[@class='stmt']/code")).isEqualTo("read(p)");
    }

    @Test
    void aDeadlockEndsWithAHighlightedRowSayingWhereEachCpuWaits() {
        CheckedModel m = CheckedModel.catalog("000-rendezvous-two-initiators");
        Document page = parse(m.html());
        assertThat(nodes(page, "//tr[contains(@class,'step') and contains(@class,'violating')]")).isEmpty();
        Element stuck = (Element) nodes(page, "//tr[@id='stuck']").get(0);
        assertThat(stuck.getAttribute("class")).contains("violating");
        assertThat(texts(stuck, "td[@class='cpu']/div[@class='stmt']")).containsExactly(
                "stuck: wait until acked(targets)", "stuck: wait until acked(targets)", "stuck: in rendezvous: wait until released[from]");
        assertThat(attr(page, "//p[@id='verdict']/a", "href")).isEqualTo("#stuck");
    }

    @Test
    void stepsLinkToTheirSourceLinesAndBack() {
        String html = NO_WAIT.html();
        Document page = parse(html);
        String source = NO_WAIT.result().program().source().text();
        assertThat(nodes(page, "//table[@class='src']/tr")).hasSize(source.split("\n").length);
        for (Counterexample.Step step : NO_WAIT.cx().steps()) {
            assertThat(attr(row(page, step.number()), "td//a[@class='line']", "href")).isEqualTo("#L" + step.line());
            assertThat(nodes(page, "//tr[@id='L" + step.line() + "']/td[@class='code']/pre").get(0).getTextContent())
                    .isEqualTo(source.split("\n")[step.line() - 1]);
        }
        assertThat(attr(page, "//tr[@id='L27']", "class")).isEqualTo("bad");
        assertThat(attr(page, "//tr[@id='L20']", "class")).isEqualTo("hit");
        assertThat(texts(page, "//tr[@id='L27']/td[@class='refs']/a")).containsExactly("1", "6");
    }

    @Test
    void selfContainedEveryLinkIsAnAnchorOnThePage() {
        String html = NO_WAIT.html();
        assertThat(NO_WAIT.result().program().source().text()).doesNotContainIgnoringCase("http");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("http", "<script", "<link", "<img", "<iframe", " src=", "url(", "@import", "@font-face");
        Document page = parse(html);
        Matcher hrefs = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        int links = 0;
        while (hrefs.find()) {
            assertThat(hrefs.group(1)).startsWith("#");
            assertThat(nodes(page, "//*[@id='" + hrefs.group(1).substring(1) + "']")).as("target of %s", hrefs.group(1)).hasSize(1);
            links++;
        }
        assertThat(links).isGreaterThan(10);
    }

    @Test
    void everythingFromTheModelIsEscaped() {
        String nasty = "<script>alert(1)</script> & co";
        CheckedModel m = CheckedModel.text("nasty<&>.sd", "title \"" + nasty + "\"\n"
                + "hardware x86 { cpus 1 }\nmm A { page p -> frame f writable }\n"
                + "// a comment with <b>bold</b> & \"quotes\" and 'apostrophes'\n"
                + "cpu 0 runs A: { read(p); free_frame(f); read(p) }\ncheck no_use_after_free\n");
        String html = m.html();
        assertThat(html).doesNotContain("<script>", "<b>bold");
        Document page = parse(html);
        assertThat(text(page, "//h1")).isEqualTo(nasty);
        assertThat(text(page, "//p[@class='meta']/code")).isEqualTo("nasty<&>.sd");
        assertThat(text(page, "//tr[@id='L4']/td[@class='code']/pre")).isEqualTo("// a comment with <b>bold</b> & \"quotes\" and 'apostrophes'");
    }

    @Test
    void aSafeModelGetsAPageSayingWhichPropertiesHold() {
        CheckedModel m = CheckedModel.catalog("000-pte-first-wait");
        Document page = parse(m.html());
        assertThat(nodes(page, "//table[@id='timeline']")).isEmpty();
        assertThat(attr(page, "//p[@id='verdict']", "class")).isEqualTo("verdict good");
        assertThat(texts(page, "//table[@class='props']/tr/td[1]")).containsExactly("no_use_after_free", "no_deadlock", "assertions");
        assertThat(texts(page, "//table[@class='props']/tr/td[2]")).containsOnly("holds");
        assertThat(nodes(page, "//table[@class='src']/tr")).isNotEmpty();
    }

    @Test
    @org.junit.jupiter.api.DisplayName("seed 003's page: the PMD, the walk cache and mm_cpumask at the steps that matter, what each step read, the slice marked")
    void pageTableStateAndTheSlice() {
        CheckedModel m = CheckedModel.catalog("003-lazy-2016-cpumask-clear");
        Counterexample cx = m.cx();
        Document page = parse(m.html());
        dev.shootdown.check.Slice slice = dev.shootdown.check.Slice.of(cx);
        for (Counterexample.Step step : cx.steps()) {
            String cls = row(page, step.number()).getAttribute("class");
            assertThat(cls).as("step %d", step.number()).contains(slice.relevant(step.number()) ? "kept" : "aside");
        }
        int clear = stepNumber(cx, 1, "cpumask_clear(A, self)");
        assertThat(cell(page, clear, "cpumask", "A")).isEqualTo("chg|A: {cpu0} (was {cpu0,cpu1})");
        int cached = cx.steps().stream().filter(s -> s.footprint().changed().contains("cpus[1].pwc.t0")).findFirst().orElseThrow().number();
        Element walkCache = (Element) nodes(row(page, cached), "td[3]//div[@class='pwc']//span[@data-key='t0']").get(0);
        assertThat(walkCache.getAttribute("class")).isEqualTo("v chg");
        assertThat(walkCache.getTextContent()).isEqualTo("t0 \u2192 pt0 RW");
        int unhook = stepNumber(cx, 0, "pmd = pmdp_get_and_clear(t0)");
        assertThat(cell(page, unhook, "pmd", "t0")).isEqualTo("chg|t0: none (was pt0 RW)");
        int targets = stepNumber(cx, 0, "targets = cpumask(A) - self");
        assertThat(texts(row(page, targets), "td[2]//div[@class='reads']//span[@data-key]")).containsExactly("mm_cpumask.A = {cpu0}");
        assertThat(texts(row(page, targets), "td[2]//div[@class='changed']//span[@data-key='locals.targets']")).containsExactly("locals.targets = {}");
        // The whole CPU behind "more": CR3 among it.
        assertThat(texts(row(page, targets), "td[3]//table[@class='snap']/tr[th='cr3']/td")).containsExactly("A");
        assertThat(attr(row(page, cached), "td[@class='num']", "title")).startsWith("kept: changed cpus[1].pwc.t0");
        assertThat(m.html()).contains("id=\"only-kept\"", "id=\"only-cpus\"", "body:has(#only-kept:checked) table.timeline tr.aside { display: none; }");
    }

    @Test
    @org.junit.jupiter.api.DisplayName("nested tables: the memory column has a row per level, PMDs and PUDs, each entry changed at its unhook")
    void entriesOfEveryLevel() {
        CheckedModel m = CheckedModel.catalog("004-mmu-gather-fullmm-flush-first");
        Counterexample cx = m.cx();
        Document page = parse(m.html());
        assertThat(cell(page, stepNumber(cx, 0, "pmd_clear(t)"), "pmd", "t")).isEqualTo("chg|t: none (was pt RW)");
        int unhookM = stepNumber(cx, 0, "pud_clear(m)");
        assertThat(cell(page, unhookM, "pud", "m")).isEqualTo("chg|m: none (was pm RW)");
        assertThat(cell(page, unhookM, "pmd", "t")).isEqualTo("same|t: none");
        assertThat(nodes(page, "//td[@class='mem']//div[@class='p4d']")).as("no PUD tables in the model").isEmpty();
    }

    @Test
    @org.junit.jupiter.api.DisplayName("a handler's run is folded: a row of its own with a checkbox opens it, its steps' rows stay, hidden until then; a CPU none of whose steps matter can be hidden")
    void foldsAndHiddenCpus() {
        CheckedModel m = CheckedModel.catalog("001-mach-paper-order");
        Counterexample cx = m.cx();
        String html = m.html();
        Document page = parse(html);
        List<Node> folds = nodes(page, "//tr[starts-with(@class,'fold')]");
        assertThat(folds).isNotEmpty();
        for (Node n : folds) {
            Element fold = (Element) n;
            int first = Integer.parseInt(fold.getAttribute("id").substring("fold-".length()));
            assertThat(cx.steps().get(first - 1).footprint().role()).isIn(dev.shootdown.model.Footprint.Role.ENTERS_HANDLER, dev.shootdown.model.Footprint.Role.DRAIN);
            assertThat(nodes(fold, ".//input[@id='open-" + first + "']")).hasSize(1);
            List<Node> inside = nodes(page, "//tr[@data-fold='" + first + "']");
            assertThat(inside.size()).as("fold %d's steps", first).isGreaterThanOrEqualTo(2);
            inside.forEach(r -> assertThat(((Element) r).getAttribute("class")).contains("in-fold"));
            assertThat(html).contains("body:has(#open-" + first + ":checked) tr.in-fold[data-fold=\"" + first + "\"] { display: table-row; }");
        }
        assertThat(nodes(page, "//tr[contains(@class,'step')]")).hasSize(cx.steps().size());

        CheckedModel bystander = CheckedModel.text("bystander.sd", """
                hardware x86 { cpus 3 }
                mm A { page p -> frame f writable }
                mm B { page r -> frame g writable }
                irq h(from) { ack(from) }
                proc initiate() { local_irq_disable(); targets = cpumask(A) - self; send_ipi(targets, h); wait until acked(targets); local_irq_enable() }
                cpu 0 runs A: initiate()
                cpu 1 runs A: initiate()
                cpu 2 runs B: { read(r); write(r) }
                check no_deadlock
                """);
        String b = bystander.html();
        assertThat(b).contains("body:has(#only-cpus:checked) [data-col=\"2\"] { display: none; }").doesNotContain("[data-col=\"0\"] { display: none; }");
        Document bp = parse(b);
        assertThat(nodes(bp, "//*[@data-col='2']").size()).as("every cell of cpu2's column says so").isEqualTo(nodes(bp, "//table[@id='timeline']/*/tr").size());
        assertThat(texts(bp, "//tr[@id='stuck']//div[@class='reads']//span")).contains("cpu0.irq = off", "cpu1.irq = off");
    }

    @Test
    void staleMeansAnotherFrameOrMoreRightsThanThePte() {
        assertThat(HtmlCounterexample.isStale("f RW A", "none")).isTrue();
        assertThat(HtmlCounterexample.isStale("f RW A", "not present (D set)")).isTrue();
        assertThat(HtmlCounterexample.isStale("f RW A", "g RW A")).isTrue();
        assertThat(HtmlCounterexample.isStale("f RW A", "f RO A")).isTrue();
        assertThat(HtmlCounterexample.isStale("f RO A", "f RW A D")).isFalse();
        assertThat(HtmlCounterexample.isStale("f RW A", "f RW A D")).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    /** "class|text" of the memory column's entry {@code key} in list {@code list} (pte, frames, shared) at step {@code n}. */
    private static String cell(Document page, int n, String list, String key) {
        Element e = (Element) nodes(row(page, n), "td[@class='mem']//div[@class='" + list + "']//span[@data-key='" + key + "']").get(0);
        return e.getAttribute("class").replace("v ", "") + "|" + e.getTextContent();
    }

    private static String tlb(Document page, int n, int cpu, String key) {
        Element e = (Element) nodes(row(page, n), "td[" + (cpu + 2) + "]//div[@class='tlb']//span[@data-key='" + key + "']").get(0);
        return e.getAttribute("class").replace("v ", "") + "|" + e.getTextContent();
    }

    private static int stepNumber(Counterexample cx, int cpu, String action) {
        return cx.steps().stream().filter(s -> s.cpu() == cpu && s.action().equals(action)).findFirst().orElseThrow().number();
    }

    private static Element row(Document page, int n) {
        return (Element) nodes(page, "//tr[@id='step-" + n + "']").get(0);
    }

    static Document parse(String html) {
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        } catch (Exception e) {
            throw new AssertionError("the page is not well-formed: " + e.getMessage(), e);
        }
    }

    static List<Node> nodes(Object context, String xpath) {
        try {
            NodeList list = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, context, XPathConstants.NODESET);
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < list.getLength(); i++) {
                out.add(list.item(i));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(xpath, e);
        }
    }

    private static List<String> texts(Object context, String xpath) {
        return nodes(context, xpath).stream().map(n -> n.getTextContent().strip()).toList();
    }

    private static String text(Object context, String xpath) {
        List<String> t = texts(context, xpath);
        assertThat(t).as(xpath).isNotEmpty();
        return t.get(0);
    }

    private static String attr(Object context, String xpath, String name) {
        List<Node> n = nodes(context, xpath);
        assertThat(n).as(xpath).isNotEmpty();
        return ((Element) n.get(0)).getAttribute(name);
    }
}
