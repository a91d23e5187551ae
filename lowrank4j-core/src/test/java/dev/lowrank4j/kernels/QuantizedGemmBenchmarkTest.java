package dev.lowrank4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowrank4j.bench.GemmBenchmark.Shape;
import dev.lowrank4j.bench.QuantizedGemmBenchmark;
import dev.lowrank4j.bench.QuantizedGemmBenchmark.Report;
import dev.lowrank4j.bench.QuantizedGemmBenchmark.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fp32-vs-nf4 report format (what `bench gemm --weights nf4 --json` will print) and a very short run. */
class QuantizedGemmBenchmarkTest {
    @Test
    void jsonCarriesTheWeightFormat() {
        Report report = new Report(List.of(
                new Result("fp32", "forward", 1, 1, 4096, 4096, 5.04),
                new Result("nf4", "input_grad", 2, 8, 4096, 4096, 12.36)));
        assertEquals("{\"results\":[{\"backend\":\"java\",\"weights\":\"fp32\",\"product\":\"forward\",\"threads\":1,"
                        + "\"m\":1,\"n\":4096,\"k\":4096,\"gflops\":5.0},{\"backend\":\"java\",\"weights\":\"nf4\","
                        + "\"product\":\"input_grad\",\"threads\":2,\"m\":8,\"n\":4096,\"k\":4096,\"gflops\":12.4}]}",
                report.toJson());
    }

    @Test
    void shortRunMeasuresBothFormatsAndBothProducts() {
        int threads = Parallel.threads();
        Report report = QuantizedGemmBenchmark.run(List.of(new Shape(3, 40, 64), new Shape(20, 40, 64)), List.of(1), 1, 0.01);
        assertEquals(8, report.results().size());
        for (Result r : report.results()) assertTrue(r.gflops() > 0, r.toString());
        assertEquals(List.of("fp32", "nf4"), report.results().stream().map(Result::weights).distinct().toList());
        assertEquals(threads, Parallel.threads());
        assertTrue(report.toTable().contains("3×40×64"), report.toTable());
    }
}
