package dev.shootdown.model;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Bitmaps in an int (test_bit, set_bit, clear_bit, find_next_zero_bit) and each address space's context word. */
class BitmapsTest {

    private static MachineDriver run(String body) {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1 }
                mm A { page p -> frame f writable }
                mm B { page q -> frame g writable }
                shared map = 0, got = 0, yes = false
                cpu 0 runs A: { %s }
                """.formatted(body));
        return d;
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "set_bit(0, 0) | 1",
        "set_bit(31, 0) | -2147483648",
        "set_bit(3, 5) | 13",
        "clear_bit(0, 5) | 4",
        "clear_bit(1, 5) | 5",
        "find_next_zero_bit(7, 4, 0) | 3",
        "find_next_zero_bit(7, 4, 1) | 3",
        "find_next_zero_bit(15, 4, 0) | 4",
        "find_next_zero_bit(5, 4, 2) | 3",
        "find_next_zero_bit(0, 4, 4) | 4",
        "find_next_zero_bit(-1, 32, 0) | 32",
        "find_next_zero_bit(2147483647, 32, 0) | 31",
    })
    @DisplayName("set_bit, clear_bit and find_next_zero_bit compute as Linux's __set_bit, __clear_bit and find_next_zero_bit")
    void values(String expr, int value) {
        MachineDriver d = run("got = " + expr);
        d.step(0);
        assertThat(d.shared("got")).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "test_bit(2, 5) | 1",
        "test_bit(1, 5) | 0",
        "test_bit(31, -1) | 1",
    })
    @DisplayName("test_bit reads one bit")
    void testBit(String expr, int value) {
        MachineDriver d = run("yes = " + expr);
        d.step(0);
        assertThat(d.shared("yes")).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "got = set_bit(32, 0) | bit 32 out of range: a bitmap has bits 0 to 31",
        "yes = test_bit(-1, 0) | bit -1 out of range",
        "got = find_next_zero_bit(0, 33, 0) | a bitmap has 0 to 32 bits",
        "got = find_next_zero_bit(0, 4, -1) | a bitmap has 0 to 32 bits",
    })
    @DisplayName("a bit number or size out of range is an assertion violation")
    void outOfRange(String stmt, String note) {
        MachineDriver d = run(stmt);
        assertThat(d.step(0)).isEqualTo(Verdict.ASSERTION);
        assertThat(d.violationNote()).contains(note);
    }

    @Test
    @DisplayName("an address space's context word: 0 until set, set per mm, a word of the state only where the model sets one")
    void contextWords() {
        MachineDriver d = run("set_mm_context_id(B, 9); got = mm_context_id(B); map = mm_context_id(A)");
        Layout layout = d.layout;
        assertThat(layout.hasMmContexts()).isTrue();
        StateWord w = layout.word(layout.mmContextBase + d.mm("B"));
        assertThat(w.kind()).isEqualTo(StateWord.Kind.MM_CONTEXT);
        assertThat(w.owner()).isEqualTo(StateWord.Owner.MM);
        assertThat(w.name()).isEqualTo("context_id(B)");
        d.steps(0, 3);
        assertThat(d.mmContext("B")).isEqualTo(9);
        assertThat(d.shared("got")).isEqualTo(9);
        assertThat(d.shared("map")).isZero();
        assertThat(d.machine.snapshot(d.state).byPath().get("mm_context.B").value()).isEqualTo("9");

        MachineDriver readOnly = run("got = mm_context_id(B)");
        assertThat(readOnly.layout.hasMmContexts()).as("never set: no words, every context reads 0").isFalse();
        readOnly.step(0);
        assertThat(readOnly.shared("got")).isZero();
    }

    @Test
    @DisplayName("under TSO, set_mm_context_id is a buffered store its own CPU reads back before it drains")
    void contextWordUnderTso() {
        MachineDriver d = MachineDriver.of("""
                hardware x86 { cpus 1; memory tso }
                mm A { page p -> frame f writable }
                shared got = 0
                cpu 0 runs A: { set_mm_context_id(A, 5); got = mm_context_id(A) }
                """);
        d.step(0);
        assertThat(d.sbCount(0)).isEqualTo(1);
        assertThat(d.mmContext("A")).as("not yet in memory").isZero();
        d.step(0);
        while (d.canDrain(0)) {
            d.drain(0);
        }
        assertThat(d.mmContext("A")).isEqualTo(5);
        assertThat(d.shared("got")).as("forwarded from the store buffer").isEqualTo(5);
    }
}
