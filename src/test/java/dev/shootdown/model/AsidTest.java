package dev.shootdown.model;

import dev.shootdown.lang.CompileError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLBs tagged with ASIDs (knob {@code asids}): entries filled under the CPU's current ASID, lookups
 * that hit only that ASID's entries for the address (whichever address space filled them), the CR3
 * and TTBR writes that load an ASID, and the invalidations by address and ASID, by ASID and of
 * everything (INVPCID types 0 to 3, TLBI VAE1IS, ASIDE1IS, VMALLE1IS and their local forms VAE1, ASIDE1, VMALLE1).
 */
class AsidTest {

    /** Two address spaces with a page at one address, and a second page of A elsewhere. */
    private static final String TWO_MMS = """
            hardware %s { cpus %d; asids 4 %s }
            mm A {
              table t -> frame pt { page p -> frame fa writable }
              page r -> frame ga writable
            }
            mm B { page q at p -> frame fb writable }
            %s
            """;

    private static MachineDriver driver(String profile, int cpus, String knobs, String programs) {
        return MachineDriver.of(TWO_MMS.formatted(profile, cpus, knobs, programs));
    }

    @Test
    @DisplayName("an entry is filled under the current ASID and hit only under it: another ASID misses and fills its own")
    void hitOnlyUnderTheSameAsid() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(A, 2); read(p); cpu_switch_mm(A, 1); read(p) }");
        d.steps(0, 2);
        assertThat(d.asid(0)).isEqualTo(1);
        int first = d.tlb(0, "p", 1);
        assertThat(first).isNotZero();
        assertThat(d.tlb(0, "p", 2)).isZero();

        d.steps(0, 2);
        assertThat(d.notesText()).as("ASID 2 does not see ASID 1's entry").contains("TLB miss");
        assertThat(d.tlb(0, "p", 2)).as("the miss fills under ASID 2").isNotZero();
        assertThat(d.tlb(0, "p", 1)).as("ASID 1's entry stays").isEqualTo(first);

        d.steps(0, 2);
        assertThat(d.notesText()).contains("TLB hit");
    }

    @Test
    @DisplayName("under one ASID, another address space's entry for the address is hit, and its frame reached")
    void anotherMmsEntryUnderTheSameAsid() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(B, 1); read(q) }\ncheck no_use_after_free");
        d.steps(0, 3);
        assertThat(d.cr3(0)).isEqualTo("B");
        assertThat(d.step(0)).isEqualTo(Verdict.USE_AFTER_FREE);
        assertThat(d.notesText()).contains("TLB hit p (ASID 1)'s entry");
        assertThat(d.violationNote()).contains("reaches frame fa");
        assertThat(d.tlb(0, "q", 1)).as("a hit fills nothing").isZero();
    }

    @Test
    @DisplayName("under another ASID the other address space misses, walks its own PTE and reaches its own frame")
    void anotherMmUnderAnotherAsid() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(B, 2); read(q) }\ncheck no_use_after_free");
        d.steps(0, 4);
        assertThat(Pte.pfn(d.tlb(0, "q", 2))).isEqualTo(d.frame("fb"));
        assertThat(d.tlb(0, "p", 1)).isNotZero();
    }

    @Test
    @DisplayName("cpu_switch_mm keeps the TLB and the paging-structure cache; walks use only the current ASID's cached PMDs")
    void ttbrWriteInvalidatesNothing() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(A, 2); read(p) }");
        d.steps(0, 3);
        assertThat(d.pwc(0, "t", 1)).isNotZero();
        assertThat(d.tlb(0, "p", 1)).isNotZero();
        d.step(0);
        assertThat(d.pwc(0, "t", 2)).as("the walk under ASID 2 cached the PMD again, under ASID 2").isNotZero();
        assertThat(d.pwc(0, "t", 1)).isNotZero();
    }

    @ParameterizedTest(name = "noflush {0}")
    @ValueSource(booleans = {true, false})
    @DisplayName("write_cr3 loads the PCID; without the no-flush bit it drops that PCID's entries and paging-structure entries, and only them")
    void cr3WriteWithAndWithoutNoFlush(boolean noflush) {
        MachineDriver d = driver("x86", 1, "", "cpu 0 runs A: { write_cr3(A, 1, true); read(p); write_cr3(A, 2, true); read(p); write_cr3(B, 1, %s) }"
                .formatted(noflush));
        d.steps(0, 4);
        assertThat(d.tlb(0, "p", 1)).isNotZero();
        assertThat(d.pwc(0, "t", 1)).isNotZero();
        d.step(0);
        assertThat(d.cr3(0)).isEqualTo("B");
        assertThat(d.asid(0)).isEqualTo(1);
        assertThat(d.tlb(0, "p", 1) != 0).isEqualTo(noflush);
        assertThat(d.pwc(0, "t", 1) != 0).isEqualTo(noflush);
        assertThat(d.tlb(0, "p", 2)).as("another PCID's entries stay").isNotZero();
        assertThat(d.pwc(0, "t", 2)).isNotZero();
    }

    /** cpu0 fills p and r under PCIDs 1 and 2, then runs {@code invalidation}. */
    private static MachineDriver afterInvalidation(String invalidation) {
        MachineDriver d = driver("x86", 1, "", "cpu 0 runs A: { write_cr3(A, 1, true); read(p); read(r); write_cr3(A, 2, true); read(p); read(r); %s }"
                .formatted(invalidation));
        d.steps(0, 6);
        for (int pcid : new int[] {1, 2}) {
            assertThat(d.tlb(0, "p", pcid)).isNotZero();
            assertThat(d.tlb(0, "r", pcid)).isNotZero();
            assertThat(d.pwc(0, "t", pcid)).isNotZero();
        }
        d.step(0);
        return d;
    }

    @Test
    @DisplayName("INVPCID type 0: the address under the PCID goes, with every paging-structure entry of the PCID; other addresses and PCIDs stay")
    void invpcidIndividualAddress() {
        MachineDriver d = afterInvalidation("invpcid_flush_one(1, p)");
        assertThat(d.tlb(0, "p", 1)).isZero();
        assertThat(d.pwc(0, "t", 1)).isZero();
        assertThat(d.tlb(0, "r", 1)).isNotZero();
        assertThat(d.tlb(0, "p", 2)).isNotZero();
        assertThat(d.pwc(0, "t", 2)).isNotZero();
    }

    @Test
    @DisplayName("INVPCID type 0 of an address drops the entry of every address space at that address filled under the PCID")
    void invpcidIndividualAddressOfAnAlias() {
        MachineDriver d = driver("x86", 1, "", "cpu 0 runs A: { write_cr3(A, 1, true); read(p); invpcid_flush_one(1, q) }");
        d.steps(0, 3);
        assertThat(d.tlb(0, "p", 1)).as("q is at p's address").isZero();
    }

    @Test
    @DisplayName("INVPCID type 1: every entry of the PCID goes; the other PCID's stay")
    void invpcidSingleContext() {
        MachineDriver d = afterInvalidation("invpcid_flush_single_context(1)");
        assertThat(d.tlb(0, "p", 1)).isZero();
        assertThat(d.tlb(0, "r", 1)).isZero();
        assertThat(d.pwc(0, "t", 1)).isZero();
        assertThat(d.tlb(0, "p", 2)).isNotZero();
        assertThat(d.tlb(0, "r", 2)).isNotZero();
        assertThat(d.pwc(0, "t", 2)).isNotZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"invpcid_flush_all()", "invpcid_flush_all_nonglobals()", "flush_tlb_all()"})
    @DisplayName("INVPCID types 2 and 3, and flush_tlb_all: every entry of every PCID goes")
    void invpcidAllContexts(String invalidation) {
        MachineDriver d = afterInvalidation(invalidation);
        for (int pcid : new int[] {1, 2}) {
            assertThat(d.tlb(0, "p", pcid)).isZero();
            assertThat(d.tlb(0, "r", pcid)).isZero();
            assertThat(d.pwc(0, "t", pcid)).isZero();
        }
    }

    @Test
    @DisplayName("flush_tlb_page is INVLPG: the address under the current ASID only")
    void invlpgActsOnTheCurrentAsid() {
        MachineDriver d = afterInvalidation("flush_tlb_page(p)");
        assertThat(d.asid(0)).isEqualTo(2);
        assertThat(d.tlb(0, "p", 2)).isZero();
        assertThat(d.pwc(0, "t", 2)).isZero();
        assertThat(d.tlb(0, "r", 2)).isNotZero();
        assertThat(d.tlb(0, "p", 1)).isNotZero();
        assertThat(d.pwc(0, "t", 1)).isNotZero();
    }

    @Test
    @DisplayName("on LPAE, an invalidation of an address under an ASID drops only that table's PMD cached under that ASID")
    void lpaeWalkCacheByAddressAndAsid() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(A, 2); read(p); tlbi_vae1is(p, 1) }");
        d.steps(0, 5);
        assertThat(d.tlb(0, "p", 1)).isZero();
        assertThat(d.pwc(0, "t", 1)).isZero();
        assertThat(d.tlb(0, "p", 2)).isNotZero();
        assertThat(d.pwc(0, "t", 2)).isNotZero();
    }

    /** cpu0 and cpu1 both fill p and r under ASIDs 1 and 2; cpu0 then broadcasts {@code invalidation} and waits with dsb_ish. */
    private static MachineDriver broadcast(String invalidation) {
        String fill = "cpu_switch_mm(A, 1); read(p); read(r); cpu_switch_mm(A, 2); read(p); read(r)";
        MachineDriver d = driver("arm64", 2, "", "cpu 0 runs A: { %s; %s; dsb_ish() }\ncpu 1 runs A: { %s }".formatted(fill, invalidation, fill));
        d.steps(0, 6);
        d.steps(1, 6);
        d.step(0);
        assertThat(d.canStep(0)).as("dsb_ish waits for cpu1").isFalse();
        for (int pcid : new int[] {1, 2}) {
            assertThat(d.tlb(1, "p", pcid)).as("cpu1 keeps its entries until it performs the invalidation").isNotZero();
            assertThat(d.tlb(1, "r", pcid)).isNotZero();
        }
        assertThat(d.enabled(dev.shootdown.model.Action.BCAST, 1)).hasSize(1);
        d.apply(d.enabled(dev.shootdown.model.Action.BCAST, 1).get(0));
        assertThat(d.canStep(0)).isTrue();
        return d;
    }

    @Test
    @DisplayName("TLBI VAE1IS: the address under the ASID, on the issuer at once and on every other CPU when performed")
    void tlbiByAddressAndAsid() {
        MachineDriver d = broadcast("tlbi_vae1is(p, 1)");
        for (int cpu = 0; cpu < 2; cpu++) {
            assertThat(d.tlb(cpu, "p", 1)).isZero();
            assertThat(d.tlb(cpu, "r", 1)).isNotZero();
            assertThat(d.tlb(cpu, "p", 2)).isNotZero();
        }
    }

    @Test
    @DisplayName("TLBI ASIDE1IS: every entry of the ASID, on every CPU")
    void tlbiByAsid() {
        MachineDriver d = broadcast("tlbi_aside1is(1)");
        for (int cpu = 0; cpu < 2; cpu++) {
            assertThat(d.tlb(cpu, "p", 1)).isZero();
            assertThat(d.tlb(cpu, "r", 1)).isZero();
            assertThat(d.pwc(cpu, "t", 1)).isZero();
            assertThat(d.tlb(cpu, "p", 2)).isNotZero();
            assertThat(d.tlb(cpu, "r", 2)).isNotZero();
        }
    }

    @Test
    @DisplayName("TLBI VMALLE1IS: every entry, on every CPU")
    void tlbiAll() {
        MachineDriver d = broadcast("tlbi_vmalle1is()");
        for (int cpu = 0; cpu < 2; cpu++) {
            for (int asid = 0; asid < 4; asid++) {
                assertThat(d.tlb(cpu, "p", asid)).isZero();
                assertThat(d.tlb(cpu, "r", asid)).isZero();
                assertThat(d.pwc(cpu, "t", asid)).isZero();
            }
        }
    }

    /** cpu0 and cpu1 both fill p and r under ASIDs 1 and 2; cpu0 then runs the local {@code invalidation}. */
    private static MachineDriver local(String invalidation) {
        String fill = "cpu_switch_mm(A, 1); read(p); read(r); cpu_switch_mm(A, 2); read(p); read(r)";
        MachineDriver d = driver("arm64", 2, "", "cpu 0 runs A: { %s; %s }\ncpu 1 runs A: { %s }".formatted(fill, invalidation, fill));
        d.steps(0, 6);
        d.steps(1, 6);
        d.step(0);
        assertThat(d.enabled(dev.shootdown.model.Action.BCAST, 1)).as("a local TLBI queues nothing on other CPUs").isEmpty();
        for (String page : new String[] {"p", "r"}) {
            for (int asid : new int[] {1, 2}) {
                assertThat(d.tlb(1, page, asid)).as("cpu1's %s under ASID %d", page, asid).isNotZero();
            }
        }
        return d;
    }

    @Test
    @DisplayName("TLBI VAE1 (local): the address under the ASID, on the calling CPU only")
    void localTlbiByAddressAndAsid() {
        MachineDriver d = local("tlbi_vae1(p, 1)");
        assertThat(d.tlb(0, "p", 1)).isZero();
        assertThat(d.pwc(0, "t", 1)).as("the walk entry of p's table under ASID 1 (LPAE)").isZero();
        assertThat(d.tlb(0, "r", 1)).isNotZero();
        assertThat(d.tlb(0, "p", 2)).isNotZero();
        assertThat(d.pwc(0, "t", 2)).isNotZero();
    }

    @Test
    @DisplayName("TLBI ASIDE1 (local): every entry of the ASID, on the calling CPU only")
    void localTlbiByAsid() {
        MachineDriver d = local("tlbi_aside1(1)");
        assertThat(d.tlb(0, "p", 1)).isZero();
        assertThat(d.tlb(0, "r", 1)).isZero();
        assertThat(d.pwc(0, "t", 1)).isZero();
        assertThat(d.tlb(0, "p", 2)).isNotZero();
        assertThat(d.tlb(0, "r", 2)).isNotZero();
    }

    @Test
    @DisplayName("TLBI VMALLE1 (local): every entry of every ASID, on the calling CPU only")
    void localTlbiAll() {
        MachineDriver d = local("tlbi_vmalle1()");
        for (int asid = 0; asid < 4; asid++) {
            assertThat(d.tlb(0, "p", asid)).isZero();
            assertThat(d.tlb(0, "r", asid)).isZero();
            assertThat(d.pwc(0, "t", asid)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"tlbi_vae1is(p, 1); dsb_ish()|safe", "tlbi_vae1(p, 1)|use_after_free"})
    @DisplayName("unmapping a page another CPU has cached: the broadcast TLBI is enough, the local one is not")
    void localTlbiLeavesOtherCpus(String invalidation, String verdict) {
        String model = TWO_MMS.formatted("arm64", 2, "", """
                cpu 0 runs A: { cpu_switch_mm(A, 1); old = ptep_get_and_clear(p); %s; free_frame(old.pfn) }
                cpu 1 runs A: { cpu_switch_mm(A, 1); read(p); read(p) }
                check no_use_after_free
                """.formatted(invalidation));
        dev.shootdown.check.CheckResult r = new dev.shootdown.check.BfsExplorer(
                dev.shootdown.model.Compiler.compile(dev.shootdown.lang.Parser.parse(new dev.shootdown.lang.SourceFile("m.sd", model))),
                dev.shootdown.check.CheckOptions.defaults()).run();
        assertThat(r.complete() || !r.violations().isEmpty()).isTrue();
        assertThat(r.verdictWord()).isEqualTo(verdict);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"cpu_switch_mm(A, 4)", "write_cr3(A, -1, true)", "tlbi_aside1is(9)", "invpcid_flush_one(4, p)"})
    @DisplayName("an ASID outside the hardware's is an assertion violation")
    void asidOutOfRange(String op) {
        MachineDriver d = driver("x86", 1, "", "cpu 0 runs A: { " + op + " }");
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).contains("out of range: the hardware has ASIDs 0 to 3");
    }

    @Test
    @DisplayName("a default TLB holds every page under every ASID: no fill ever evicts")
    void defaultCapacityCoversEverySlot() {
        Program program = MachineDriver.compile(TWO_MMS.formatted("x86", 1, "", "cpu 0 runs A: read(p)"));
        assertThat(program.hardware().tlbCapacity()).isEqualTo(3 * 4);
        assertThat(new Layout(program).tlbSlots).isEqualTo(3 * 4);
    }

    @Test
    @DisplayName("the layout: a current-ASID word, slots per (page, ASID) and (table, ASID), named with their ASID; none without asids")
    void layoutWords() {
        Layout layout = new Layout(MachineDriver.compile(TWO_MMS.formatted("arm64", 2, "", "cpu 0 runs A: { tlbi_vae1is(p, 1); dsb_ish() }")));
        assertThat(layout.word(layout.cpu(1) + layout.asid).kind()).isEqualTo(StateWord.Kind.ASID);
        assertThat(layout.range(layout.cpu(1) + layout.asid)).containsExactly(0, 3);
        assertThat(layout.word(layout.cpu(0) + layout.tlb + layout.tlbSlot(2, 3)).name()).isEqualTo("cpu0.tlb[q, asid 3]");
        assertThat(layout.word(layout.cpu(0) + layout.pwc + layout.pwcSlot(0, 1)).name()).isEqualTo("cpu0.walk_cache[t, asid 1]");
        assertThat(layout.bcastSlots).isEqualTo(3 * 4 + 4 + 1);
        assertThat(layout.word(layout.cpu(0) + layout.bcast + layout.bcastAsid(2)).name()).isEqualTo("cpu0.broadcast[asid 2]");
        assertThat(layout.word(layout.cpu(0) + layout.bcast + layout.bcastAll()).name()).isEqualTo("cpu0.broadcast[all]");

        Layout plain = new Layout(MachineDriver.compile("""
                hardware arm64 { cpus 2 }
                mm A { table t -> frame pt { page p -> frame fa writable } }
                cpu 0 runs A: { tlbi_is(p); dsb_ish() }
                """));
        assertThat(plain.asid).as("no ASID word").isEqualTo(plain.tlb);
        assertThat(plain.tlbSlots).isEqualTo(1);
        assertThat(plain.bcastSlots).isEqualTo(1);
        assertThat(plain.word(plain.cpu(0) + plain.tlb).name()).isEqualTo("cpu0.tlb[p]");
    }

    @ParameterizedTest(name = "{1} with [{0}]")
    @CsvSource(delimiter = '|', value = {
        "asids 4 | switch_mm(B) | with 'asids', a CR3 or TTBR write loads an ASID with the table",
        "asids 4 | tlbi_is(p) | with 'asids', a broadcast invalidation names the ASID it invalidates",
        "asids 4 | tlbie(p) | with 'asids', a broadcast invalidation names the ASID it invalidates",
        "asids 4 | invlpgb(p) | with 'asids', a broadcast invalidation names the ASID it invalidates",
        "'' | cpu_switch_mm(B, 1) | 'cpu_switch_mm' needs a TLB tagged with ASIDs: add 'asids N' to the hardware",
        "'' | write_cr3(B, 1, false) | 'write_cr3' needs a TLB tagged with ASIDs",
        "'' | tlbi_vae1is(p, 1) | 'tlbi_vae1is' needs a TLB tagged with ASIDs",
        "'' | invpcid_flush_all() | 'invpcid_flush_all' needs a TLB tagged with ASIDs",
        "asids 4; pcid | read(p) | 'pcid' tags TLB entries with their address space, 'asids' with ASID values",
    })
    @DisplayName("built-ins that do not fit how the TLB is tagged are compile errors")
    void misfitsAreCompileErrors(String knobs, String op, String message) {
        String model = "hardware x86 { cpus 1; " + knobs + " }\nmm A { page p -> frame f writable }\nmm B { page q at p -> frame g }\ncpu 0 runs A: { " + op + " }\n";
        assertThatThrownBy(() -> MachineDriver.compile(model)).isInstanceOf(CompileError.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mm A { page q at p -> frame g }\\nmm B { page p -> frame f } | 'p' is not a page declared above",
        "mm A { page p -> frame f; page q at p -> frame g } | 'p' is a page of this address space",
        "mm A { page p -> frame f }\\nmm B { page q at p -> frame g; page r at p -> frame h } | this address space already has a page at the address of 'p'",
        "mm A { page p -> frame f }\\nmm B { page q at nowhere -> frame g } | 'nowhere' is not a page declared above",
    })
    @DisplayName("'page q at p' needs p declared above, in another address space that has no page there yet")
    void atErrors(String mms, String message) {
        String model = "hardware x86 { cpus 1; asids 2 }\n" + mms.replace("\\n", "\n") + "\ncpu 0 runs A: { }\n";
        assertThatThrownBy(() -> MachineDriver.compile(model)).isInstanceOf(CompileError.class).hasMessageContaining(message);
    }

    @Test
    @DisplayName("the counterexample's snapshot shows each CPU's ASID and its entries by page and ASID")
    void snapshot() {
        MachineDriver d = driver("arm64", 1, "", "cpu 0 runs A: { cpu_switch_mm(A, 1); read(p); cpu_switch_mm(A, 2) }");
        d.steps(0, 3);
        java.util.Map<String, Snapshot.Part> parts = d.machine.snapshot(d.state).byPath();
        assertThat(parts.get("cpus[0].asid").value()).isEqualTo("2");
        assertThat(parts).containsKeys("cpus[0].tlb.p@asid1", "cpus[0].pwc.t@asid1").doesNotContainKeys("cpus[0].tlb.p@asid2", "cpus[0].tlb.p");
        assertThat(d.machine.snapshot(d.state).cpus().get(0).tlb()).containsOnlyKeys("p@asid1");
    }

    @Test
    @DisplayName("pages at one address share a virtual address; others have their own")
    void virtualAddresses() {
        Program program = MachineDriver.compile(TWO_MMS.formatted("x86", 1, "", "cpu 0 runs A: read(p)"));
        int[] va = program.pageVa();
        int p = program.pageNames().indexOf("p");
        int q = program.pageNames().indexOf("q");
        int r = program.pageNames().indexOf("r");
        assertThat(va[q]).isEqualTo(va[p]);
        assertThat(va[r]).isNotEqualTo(va[p]);
    }
}
