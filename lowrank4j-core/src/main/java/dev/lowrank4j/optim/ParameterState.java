package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;

/**
 * Everything the optimizer keeps for one parameter: its update rule's moments, its own step
 * counter (the reference counts per parameter), and for projected weights the projector and
 * Fira's residual state.
 */
final class ParameterState {
    final Parameter param;
    final ProjectedRule rule;
    /** Null for regular parameters. */
    final GaLoreProjector projector;
    /** Null unless this is a projected weight under Fira. */
    final FiraResidual fira;
    long step;

    ParameterState(Parameter param, ProjectedRule rule, GaLoreProjector projector, FiraResidual fira) {
        this.param = param;
        this.rule = rule;
        this.projector = projector;
        this.fira = fira;
    }

    String name() {
        return param.name();
    }

    /** Shape of the moments: the projected shape for projected weights, else the parameter's. */
    int[] momentShape() {
        return projector == null ? param.value().shape() : projector.projectedShape();
    }
}
