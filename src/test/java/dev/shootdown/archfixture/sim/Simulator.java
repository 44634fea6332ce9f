package dev.shootdown.archfixture.sim;

import dev.shootdown.archfixture.model.Machine;

/** Right way: sim uses model. */
public final class Simulator {
    Machine machine;
}
