package dev.lowrank4j.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round tick values (1, 2 or 5 × 10^k) on linear and log axes, and escaping of text from run files. */
class NiceTicksTest {
    @Test
    void linearTicksAreRoundAndCoverTheData() {
        NiceTicks t = NiceTicks.linear(2.2913, 2.3148, 6);
        assertEquals(0.005, t.step(), 1e-15);
        assertArrayEquals(new double[] {2.29, 2.295, 2.3, 2.305, 2.31, 2.315}, t.values(), 1e-12);
        assertEquals(List.of("2.290", "2.295", "2.300", "2.305", "2.310", "2.315"), Arrays.stream(t.values()).mapToObj(t::label).toList());
        NiceTicks steps = NiceTicks.linear(1, 2000, 8);
        assertEquals(500, steps.step());
        assertEquals(List.of("0", "500", "1000", "1500", "2000"), Arrays.stream(steps.values()).mapToObj(steps::label).toList());
        NiceTicks lr = NiceTicks.linear(0, 3e-3, 6);
        assertEquals(List.of("0", "0.0005", "0.0010", "0.0015", "0.0020", "0.0025", "0.0030"), Arrays.stream(lr.values()).mapToObj(lr::label).toList());
        for (double raw : new double[] {0.013, 0.7, 3, 42, 999}) {
            double s = NiceTicks.roundStep(raw), mantissa = s / Math.pow(10, Math.floor(Math.log10(s)));
            assertTrue(s >= raw && Map.of(1.0, 0, 2.0, 0, 5.0, 0).containsKey(Math.rint(mantissa * 1e9) / 1e9), raw + " -> " + s);
        }
    }

    @Test
    void logTicksArePowersOfTenWithTwoAndFiveOnShortAxes() {
        NiceTicks wide = NiceTicks.logarithmic(0.03, 400);
        assertArrayEquals(new double[] {0.01, 0.1, 1, 10, 100, 1000}, wide.values(), 1e-12);
        assertEquals(List.of("0.01", "0.1", "1", "10", "100", "1000"), Arrays.stream(wide.values()).mapToObj(wide::label).toList());
        NiceTicks shortAxis = NiceTicks.logarithmic(0.15, 3);
        assertArrayEquals(new double[] {0.1, 0.2, 0.5, 1, 2, 5}, shortAxis.values(), 1e-12);
        assertEquals("1e-5", NiceTicks.logarithmic(1e-5, 1e-2).label(1e-5));
    }

    @Test
    void textFromRunFilesIsEscaped() {
        String page = new HtmlReport("run <b>").settings(Map.of("method", "<script>alert(1)</script>"))
                .chart("c", "step", "y", List.of(new Series("a\"b<i>", List.of(new double[] {1, 2}, new double[] {2, 3}))), "what & why").render();
        assertFalse(page.contains("<script>") || page.contains("<b>") || page.contains("<i>"), page);
        assertTrue(page.contains("&lt;script&gt;") && page.contains("a&quot;b&lt;i&gt;") && page.contains("what &amp; why"), page);
    }
}
