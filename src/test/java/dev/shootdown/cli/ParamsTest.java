package dev.shootdown.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shootdown.lang.CompileError;
import dev.shootdown.lang.Parser;
import dev.shootdown.lang.SourceFile;
import dev.shootdown.lang.UserError;
import dev.shootdown.model.Compiler;
import dev.shootdown.model.Program;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code param N = 3} in a model, and {@code -D N=5} on check, catalog and simulate. */
class ParamsTest {
    private static final String MODEL = """
            param N = 3
            param K = 1
            hardware x86 { cpus N; tlb_capacity K }
            mm A { page p -> frame f writable }
            irq flush_one(from) { flush_tlb_page(p); ack(from) }
            proc munmap(va) {
              old = ptep_get_and_clear(va)
              targets = cpumask(A) - self
              send_ipi(targets, flush_one)
              flush_tlb_page(va)
              wait until acked(targets)
              free_frame(old.pfn)
              n = alloc_frame()
              set_pte(va, mk_pte(n, true))
              assert count(targets) == N - 1, "every other CPU was a target"
            }
            cpu 0 runs A: munmap(p)
            cpu 1..N runs A: loop { read(p) }
            check no_use_after_free
            """;

    @TempDir
    Path dir;

    private static Program compile(String text, Map<String, Integer> defines) {
        return Compiler.compile(Parser.parse(new SourceFile("m.sd", text), defines));
    }

    @Test
    @DisplayName("a param stands for its number in knobs, CPU ranges and expressions; -D replaces it everywhere")
    void paramsAndDefines() {
        // 'cpu 1..N' names CPU N, one past the last of N CPUs: the model is wrong for every N, and says so where.
        assertThatThrownBy(() -> compile(MODEL, Map.of())).isInstanceOf(CompileError.class).hasMessageContaining("CPU 3 does not exist");
        String model = MODEL.replace("cpu 1..N runs", "cpu 1.. runs");
        Program three = compile(model, Map.of());
        Program five = compile(model, Map.of("N", 5));
        assertThat(three.cpus()).isEqualTo(3);
        assertThat(five.cpus()).isEqualTo(5);
        assertThat(five.hardware().tlbCapacity()).isEqualTo(1);
        assertThat(Parser.parse(new SourceFile("m.sd", model), Map.of("K", 2)).params()).containsExactly(Map.entry("N", 3), Map.entry("K", 2));
        // The assertion uses N: with the value from -D it still holds.
        MainTest.Run r = MainTest.run("check", write(model).toString(), "-D", "N=4", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = json(r.out());
        assertThat(j.get("params").get("N").asInt()).isEqualTo(4);
        assertThat(j.get("verdict").asText()).isEqualTo("safe");
        assertThat(MainTest.run("check", write(model).toString(), "-D", "N=4").out()).startsWith(dir.resolve("m.sd") + " (N=4, K=1): safe");
    }

    @Test
    @DisplayName("a -D for a param the file does not declare, or not a number, is bad input (exit 2) naming it")
    void badDefines() throws Exception {
        Path file = write(MODEL.replace("cpu 1..N runs", "cpu 1.. runs"));
        MainTest.Run unknown = MainTest.run("check", file.toString(), "-D", "M=4");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("-D M=4: " + file + " declares no param M (it declares N, K)").doesNotContain("Exception");
        MainTest.Run notANumber = MainTest.run("check", file.toString(), "-D", "N=four");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err()).contains("-D N=four: expected a whole number");
        assertThatThrownBy(() -> Parser.parse(new SourceFile("m.sd", "param N = 1\n"), Map.of("X", 1))).isInstanceOf(UserError.class);
        assertThat(MainTest.run("catalog", "-D", "N=4").err()).contains("-D N=4: no entry declares param N");
    }

    @Test
    @DisplayName("a checkpoint taken with one -D is not carried on with another: same text, another model")
    void resumeWithAnotherValue() {
        // R is first read after a visible step: the text, the hardware and the initial state are the same for both values.
        Path file = write("param R = 2\nhardware x86 { cpus 3 }\nmm A { page p -> frame f writable }\n"
                + "irq flush_one(from) { flush_tlb_page(p); ack(from) }\n"
                + "cpu 0 runs A: { old = ptep_get_and_clear(p); send_ipi(cpumask(A) - self, flush_one); flush_tlb_page(p);"
                + " wait until acked(cpumask(A) - self); free_frame(old.pfn) }\ncpu 1.. runs A: { read(p); repeat R { read(p) } }\ncheck no_use_after_free\n");
        Path ck = dir.resolve("ck");
        MainTest.Run part = MainTest.run("check", file.toString(), "-D", "R=2", "--max-states", "20", "--checkpoint", ck.toString());
        assertThat(part.exit()).as(part.err()).isEqualTo(Main.INCOMPLETE);
        MainTest.Run other = MainTest.run("check", file.toString(), "-D", "R=3", "--resume", ck.toString());
        assertThat(other.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(other.err()).contains("checkpoint of another model");
        MainTest.Run same = MainTest.run("check", file.toString(), "-D", "R=2", "--resume", ck.toString());
        assertThat(same.exit()).as(same.err()).isEqualTo(Main.OK);
    }

    @Test
    @DisplayName("a param declared twice, or named like another global, is an error at its position")
    void badParams() {
        assertThatThrownBy(() -> compile("param N = 1\nparam N = 2\n", Map.of())).isInstanceOf(CompileError.class)
                .satisfies(e -> assertThat(((CompileError) e).position() + ": " + e.getMessage()).isEqualTo("m.sd:2:7: param 'N' is declared twice"));
        assertThatThrownBy(() -> compile("param x = 1\nhardware x86 { cpus 2 }\nshared x = 0\n", Map.of())).isInstanceOf(CompileError.class)
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> compile("param N = x\n", Map.of())).isInstanceOf(CompileError.class)
                .hasMessageContaining("a whole number for param 'N'");
    }

    @Test
    @DisplayName("simulate: -D sets the protocol's param, and a sweep may name one as an axis")
    void simulate() throws Exception {
        Path file = write("""
                param ROUNDS = 1
                hardware x86 { cpus 4 }
                mm A { page p -> frame f writable }
                irq flush_one(from) { flush_tlb_page(p); ack(from) }
                proc munmap(va) {
                  old = ptep_get_and_clear(va)
                  repeat ROUNDS {
                    targets = cpumask(A) - self
                    send_ipi(targets, flush_one)
                    flush_tlb_page(va)
                    wait until acked(targets)
                  }
                  free_frame(old.pfn)
                  n = alloc_frame()
                  set_pte(va, mk_pte(n, true))
                }
                cpu 0 runs A: munmap(p)
                """);
        double once = json(MainTest.run("simulate", file.toString(), "--workload", "munmap", "--cpus", "4", "--seconds", "0.001", "--json").out())
                .get("metrics").get("ipis_per_second").asDouble();
        double thrice = json(MainTest.run("simulate", file.toString(), "--workload", "munmap", "--cpus", "4", "--seconds", "0.001", "--json",
                "-D", "ROUNDS=3").out()).get("metrics").get("ipis_per_second").asDouble();
        assertThat(thrice).isCloseTo(3 * once, org.assertj.core.data.Percentage.withPercentage(0.1));
        MainTest.Run sweep = MainTest.run("simulate", file.toString(), "--workload", "munmap", "--cpus", "4", "--seconds", "0.001",
                "--sweep", "ROUNDS=1,2");
        assertThat(sweep.exit()).as(sweep.err()).isZero();
        assertThat(sweep.out()).contains("ROUNDS");
    }

    private Path write(String text) {
        try {
            return Files.writeString(dir.resolve("m.sd"), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }
}
