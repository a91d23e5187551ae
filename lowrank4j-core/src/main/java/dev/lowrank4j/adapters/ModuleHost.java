package dev.lowrank4j.adapters;

import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * The three things an adapter needs from a model: its replaceable projections by module path, a
 * way to swap one, and all parameters (to freeze what the adapter does not train). LlamaModel and
 * BertEncoder implement it, and tests implement it over a handful of small layers.
 */
public interface ModuleHost {
    /** Module path → layer, in model order. */
    Map<String, LinearLayer> linears();

    void replaceLinear(String modulePath, LinearLayer replacement);

    /** Every parameter of the model, adapters included, each once. */
    List<Parameter> parameters();
}
