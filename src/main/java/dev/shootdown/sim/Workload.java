package dev.shootdown.sim;

import java.util.List;
import java.util.Map;

/**
 * A workload: the {@code cpu ... runs} programs (and any pages, frames and variables they need)
 * that drive a protocol, as a language snippet rendered by {@link WorkloadTemplate}. The protocol
 * file supplies hardware, address space, variables, procedures and IRQ handlers; the workload
 * calls the procedures named in {@code requires} and, when the protocol lacks them, gets empty
 * bodies for those in {@code optional}.
 *
 * @param op        what one operation is (the workload counts them in the per-CPU {@code sim_ops})
 * @param defaults  parameters and their default values ({@code --param name=value} overrides)
 * @param template  the snippet's resource under /sim/workloads, or {@code text:} and the snippet itself
 */
public record Workload(String name, String description, String op, List<String> requires, List<String> optional,
                       Map<String, String> defaults, String template, int minCpus) {}
