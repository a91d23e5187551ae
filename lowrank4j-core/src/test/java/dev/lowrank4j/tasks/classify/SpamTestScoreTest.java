package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.data.spam.SpamAssassin;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.quant.ptq.PtqMethod;
import dev.lowrank4j.tasks.FinetuneMethod;
import dev.lowrank4j.tasks.quantize.BertTarget;
import dev.lowrank4j.tasks.quantize.ModelLoading;
import dev.lowrank4j.tasks.quantize.QuantizeJob;
import dev.lowrank4j.train.Metrics;
import dev.lowrank4j.train.TrainListener;
import dev.lowrank4j.util.PhaseListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fine-tuned classifier's model/ folder scores the same test split again, before and after quantization. */
class SpamTestScoreTest {
    private static final long SEED = 5;

    @TempDir
    Path tmp;

    private static Metrics score(Path model, long seed) {
        BertTarget t = (BertTarget) ModelLoading.load(model.toString()).target();
        return SpamTestScore.score(t.encoder(), t.head(), seed, ClassifyFixtures.TEST_MAX_TOKENS, ClassifyFixtures.fixtureDir(),
                PhaseListener.SILENT).metrics();
    }

    @Test
    void theSavedModelScoresWhatTheFinetuneScoredAndQuantizationChangesIt() {
        FinetuneOptions o = FinetuneOptions.builder(FinetuneMethod.Kind.FULL).maxTokens(ClassifyFixtures.TEST_MAX_TOKENS).batchSize(4)
                .epochs(1).maxSteps(3).lr(1e-3).seed(SEED).dataDir(ClassifyFixtures.fixtureDir()).out(tmp.resolve("run")).build();
        TextClassifierFinetune.Result r = TextClassifierFinetune.run(o, SpamAssassin.split(o.dataDir(), o.testFraction(), SEED),
                ClassifyFixtures.tinyEncoder(3), ClassifyFixtures.tokenizer(ClassifyFixtures.TEST_MAX_TOKENS), TrainListener.NONE);

        Metrics again = score(r.model(), SEED);
        for (Map.Entry<String, Double> e : r.test().values().entrySet()) {
            assertEquals(e.getValue(), again.get(e.getKey()), 1e-5, e.getKey());
        }
        // another seed holds out other e-mails, so the same model scores differently
        assertNotEquals(r.test().get("test_loss"), score(r.model(), SEED + 1).get("test_loss"), 1e-6);

        Path q = tmp.resolve("q");
        QuantizeJob.run(new QuantizeJob.Options(r.model().toString(), PtqMethod.RTN, 2, 16, 0, null, 4, 16, 3, 2, null, null, 1, q), null);
        BertTarget packed = (BertTarget) ModelLoading.load(q.toString()).target();
        // the encoder's linears stay packed integers in memory (2-bit codes packed at 2 bits)
        packed.blocks().forEach(b -> b.linears().forEach((path, l) -> assertEquals("int2", ((Linear) l).storage().kind(), path)));
        Metrics quantized = score(q, SEED);
        assertTrue(Math.abs(quantized.get("test_loss") - again.get("test_loss")) > 1e-5,
                "2-bit weights should move the loss: " + quantized.get("test_loss") + " vs " + again.get("test_loss"));
        assertEquals(4, quantized.values().keySet().stream().filter(k -> k.startsWith("test_")).count() - 1);
    }

    @Test
    void anEncoderWithoutAHeadIsAOneLineError() {
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> SpamTestScore.score(ClassifyFixtures.tinyEncoder(1), Map.of(),
                SEED, ClassifyFixtures.TEST_MAX_TOKENS, ClassifyFixtures.fixtureDir(), PhaseListener.SILENT));
        assertTrue(e.getMessage().contains("no classifier head"), e.getMessage());
    }
}
