package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.bench.GemmBenchmark;
import dev.lowrank4j.bench.GemmBenchmark.Report;
import dev.lowrank4j.bench.GemmBenchmark.Result;
import dev.lowrank4j.bench.GemmBenchmark.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's report format (the CLI prints it verbatim) and a very short real run. */
class GemmBenchmarkTest {
    @Test
    void jsonHasTheAgreedShape() {
        Report report = new Report(List.of(
                new Result("java", 1, 1024, 1024, 1024, 123.44),
                new Result("openblas", 2, 2048, 768, 768, "tn", 99.96)));
        assertEquals("{\"results\":[{\"backend\":\"java\",\"weights\":\"fp32\",\"threads\":1,\"m\":1024,\"n\":1024,\"k\":1024,"
                        + "\"op\":\"nn\",\"gflops\":123.4},{\"backend\":\"openblas\",\"weights\":\"fp32\",\"threads\":2,\"m\":2048,\"n\":768,"
                        + "\"k\":768,\"op\":\"tn\",\"gflops\":100.0}]}",
                report.toJson());
    }

    @Test
    void parsesShapeLists() {
        assertEquals(List.of(new Shape(1024, 1024, 1024), new Shape(2048, 768, 768, "tn")),
                GemmBenchmark.parseShapes("1024x1024x1024, 2048×768×768:tn"));
        assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.parseShapes("12x3"));
        assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.parseShapes("12x3x4:nx"));
    }

    @Test
    void shortRunMeasuresEveryBackendAndRestoresThreads() {
        int threads = Parallel.threads();
        Report report = GemmBenchmark.run(List.of(new Shape(64, 48, 32), new Shape(40, 24, 56, "tn")), List.of(1), true, 1, 0.01);
        int backends = OpenBlasGemm.available() ? 2 : 1;
        assertEquals(2 * backends, report.results().size());
        for (Result r : report.results()) assertTrue(r.gflops() > 0, r.toString());
        assertEquals(threads, Parallel.threads());
        assertTrue(report.toTable().contains("64×48×32"));
        assertTrue(report.toTable().contains("40×24×56 tn"));
    }
}
