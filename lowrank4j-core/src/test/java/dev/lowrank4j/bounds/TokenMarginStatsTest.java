package dev.lowrank4j.bounds;

import dev.lowrank4j.models.llama.LlamaConfig;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.tasks.quantize.TextWindows;
import dev.lowrank4j.util.PhaseListener;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Next-token margins and embedding norms of a random tiny LLaMA, against the same numbers computed one window at a time. */
class TokenMarginStatsTest {
    private static final LlamaConfig CONFIG = new LlamaConfig(37, 16, 24, 2, 2, 1, 8, 1e-5, 10000.0, false, 64, 0.02);

    @Test
    void marginsAreOwnLogitMinusLargestOtherAtEveryPositionWithANextToken() {
        LlamaModel model = new LlamaModel(CONFIG, 3);
        int seq = 8, windows = 6;
        Rng rng = new Rng(11);
        int[] tokens = new int[windows * seq + 2]; // a tail shorter than a window, never read
        for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(CONFIG.vocabSize());
        TextWindows text = new TextWindows(tokens, seq, windows);

        List<Double> margins = new ArrayList<>();
        int correct = 0;
        double maxNorm2 = 0, sumNorm2 = 0;
        float[] table = model.parameter("model.embed_tokens.weight").value().data;
        int d = CONFIG.hiddenSize(), vocab = CONFIG.vocabSize();
        for (int w = 0; w < windows; w++) {
            float[] logits = model.forward(text.ids(w, 1), 1, seq).data.clone();
            for (int t = 0; t + 1 < seq; t++) {
                int y = tokens[w * seq + t + 1];
                double other = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) if (v != y) other = Math.max(other, logits[t * vocab + v]);
                margins.add(logits[t * vocab + y] - other);
                if (logits[t * vocab + y] > other) correct++;
                double s = 0;
                for (int k = 0; k < d; k++) s += (double) table[tokens[w * seq + t] * d + k] * table[tokens[w * seq + t] * d + k];
                maxNorm2 = Math.max(maxNorm2, s);
                sumNorm2 += s;
            }
        }
        Collections.sort(margins);

        DataStats lowest = TokenMarginStats.of(model, text, "text", 0.0, PhaseListener.SILENT);
        assertEquals(windows * (seq - 1), lowest.n());
        assertEquals(margins.getFirst(), lowest.margin(), 1e-4);
        assertEquals(correct / (double) lowest.n(), lowest.accuracy(), 1e-12);
        assertTrue(maxNorm2 > 0, "the embeddings are initialised");
        assertEquals(Math.sqrt(maxNorm2), lowest.maxInputNorm(), 1e-5);
        assertEquals(Math.sqrt(sumNorm2), lowest.inputFrobenius(), 1e-4);
        DataStats median = TokenMarginStats.of(model, text, "text", 0.5, PhaseListener.SILENT);
        assertEquals(margins.get((int) Math.floor(0.5 * (margins.size() - 1))), median.margin(), 1e-4);
    }
}
