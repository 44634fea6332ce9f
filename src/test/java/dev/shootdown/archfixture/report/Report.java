package dev.shootdown.archfixture.report;

import dev.shootdown.archfixture.check.Explorer;
import dev.shootdown.archfixture.cli.Command;

/** check is fine; cli is not. */
public final class Report {
    Explorer explorer;
    Command command;
}
