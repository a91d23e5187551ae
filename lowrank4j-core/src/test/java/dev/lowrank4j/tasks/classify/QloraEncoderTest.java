package dev.lowrank4j.tasks.classify;

import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.models.bert.BertEncoder;
import dev.lowrank4j.tasks.FinetuneMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QLoRA on the MiniLM-shaped encoder: the adapted query/value layers sit over NF4 storage. */
class QloraEncoderTest {
    @Test
    void loraWrapsNf4QueryAndValueLayers() {
        BertEncoder enc = ClassifyFixtures.tinyEncoder(3);
        FinetuneMethod m = new FinetuneMethod(FinetuneMethod.Kind.LORA, 2, 4, 1, 0, FinetuneOptions.DEFAULT_TARGETS, 5, "nf4");
        FinetuneMethod.Applied a = m.apply(enc, java.util.List.of());
        assertTrue(!a.modules().isEmpty());
        for (String path : a.modules()) {
            LoraLinear l = (LoraLinear) enc.linears().get(path);
            assertEquals("nf4", l.base().storage().kind(), path);
        }
        assertTrue(a.trainable().stream().allMatch(p -> p.name().contains("lora_")), "only the factors train");
        assertTrue(enc.buffers().size() >= a.modules().size(), "packed weights are booked as buffers");
    }
}
