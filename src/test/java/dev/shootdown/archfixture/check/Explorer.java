package dev.shootdown.archfixture.check;

import dev.shootdown.archfixture.model.Machine;
import dev.shootdown.archfixture.sim.Simulator;

/** Model is fine; the sibling engine sim is not. */
public final class Explorer {
    Machine machine;
    Simulator simulator;
}
