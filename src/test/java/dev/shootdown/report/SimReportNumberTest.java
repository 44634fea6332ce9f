package dev.shootdown.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the text report prints a metric's number: whole counts whole, other values to three figures. */
class SimReportNumberTest {

    @Test
    @DisplayName("a whole count prints without decimals (1, 0, 12,345); a count's mean over seeds, a time or a rate keeps three figures")
    void countsAreWhole() {
        assertThat(SimReport.number(1, "count")).isEqualTo("1");
        assertThat(SimReport.number(0, "count")).isEqualTo("0");
        assertThat(SimReport.number(12_345, "count")).isEqualTo("12,345");
        assertThat(SimReport.number(1.5, "count")).isEqualTo("1.50");
        assertThat(SimReport.number(1, "us")).isEqualTo("1.00");
        assertThat(SimReport.number(0.25, "fraction")).isEqualTo("25.0%");
    }
}
