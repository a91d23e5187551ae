package dev.lowrank4j.optim;

import dev.lowrank4j.nn.Parameter;

/**
 * Everything GaLore keeps for one parameter: Adam's state in the shape of what it sees (the
 * projected gradient for projected weights), whose step counter is also the projector's iteration
 * count (the reference counts per parameter), and for projected weights the projector and Fira's
 * residual state.
 */
final class ParameterState {
    final Parameter param;
    final AdamState adam;
    /** Null for regular parameters. */
    final GaLoreProjector projector;
    /** Null unless this is a projected weight under Fira. */
    final FiraResidual fira;

    ParameterState(Parameter param, GaLoreProjector projector, FiraResidual fira) {
        this.param = param;
        this.projector = projector;
        this.fira = fira;
        this.adam = new AdamState(projector == null ? param.value().shape() : projector.projectedShape());
    }

    String name() {
        return param.name();
    }

    long step() {
        return adam.step;
    }
}
