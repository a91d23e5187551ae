package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.models.llama.LlamaModel;

import java.nio.file.Path;

/** The float LLaMA of a folder, for comparing against what a quantized folder loads as. */
final class ModelLoadingTestAccess {
    private ModelLoadingTestAccess() {}

    static LlamaModel floatModel(Path dir) {
        return ((LlamaTarget) ModelLoading.loadFloat(dir.toString()).target()).model();
    }
}
