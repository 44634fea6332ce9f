package dev.shootdown.archfixture.cli;

import dev.shootdown.archfixture.report.Report;

/** Right way: cli may use every layer. */
public final class Command {
    Report report;
}
