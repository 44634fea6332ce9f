package dev.shootdown.sim;

import dev.shootdown.lang.UserError;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadTemplateTest {
    @Test
    void repeatsBlocksAndSubstitutesParameters() {
        String out = WorkloadTemplate.render("t", """
                a {{x}}
                {{repeat i 0 last}}
                cpu {{i}} runs {{mm}}
                {{end}}
                b
                """, Map.of("x", "1", "last", "2", "mm", "A"));
        assertThat(out).isEqualTo("a 1\ncpu 0 runs A\ncpu 1 runs A\ncpu 2 runs A\nb\n");
    }

    @Test
    void unknownParametersAndUnclosedBlocksAreUserErrors() {
        assertThatThrownBy(() -> WorkloadTemplate.render("t", "x {{nope}}\n", Map.of("a", "1")))
                .isInstanceOf(UserError.class).hasMessageContaining("t:1").hasMessageContaining("{{nope}}");
        assertThatThrownBy(() -> WorkloadTemplate.render("t", "{{repeat i 0 3}}\nx\n", Map.of()))
                .isInstanceOf(UserError.class).hasMessageContaining("without {{end}}");
    }

    @Test
    void everyBuiltInWorkloadComposesWithTheLinuxProtocol() {
        for (Workload w : Workloads.all().values()) {
            var p = WorkloadComposer.compose(SimulationTest.LINUX, w, Map.of(), 4);
            assertThat(p.cpus()).isEqualTo(4);
            assertThat(p.perCpu()).anySatisfy(v -> assertThat(v.name()).isEqualTo("sim_ops"));
        }
    }
}
