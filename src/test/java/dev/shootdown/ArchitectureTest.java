package dev.shootdown;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layer arrows of STYLE.md: lang -> model -> check | sim -> report -> cli, nothing pointing
 * right; check and sim are sibling engines that never see each other; nothing depends on cli. The
 * editor's language server reads only lang and model, and only cli starts it.
 * Inside model, the rooms of the hardware model keep to themselves: a room uses another only where
 * one of its rules crosses into that mechanism (the room's class comment says which).
 */
class ArchitectureTest {

    /**
     * Each mechanism room of model/ and the rooms it may use. Every room may report to
     * {@code Monitors} (a broken property), which itself uses none; {@code Machine}, the
     * {@code Interpreter}, {@code Expressions} and the {@code BuiltinTable} wire the rooms together
     * and are not rooms.
     */
    static final Map<String, Set<String>> ROOMS = Map.ofEntries(
            Map.entry("Tlb", Set.of("WalkCaches")),
            Map.entry("WalkCaches", Set.of()),
            Map.entry("PageWalker", Set.of("WalkCaches", "Tlb", "Frames")),
            Map.entry("Mmu", Set.of("Tlb", "PageWalker", "WalkCaches", "Frames", "Icache")),
            Map.entry("StoreBuffer", Set.of()),
            Map.entry("Interrupts", Set.of("StoreBuffer")),
            Map.entry("BroadcastInvalidation", Set.of("Tlb")),
            Map.entry("Rcu", Set.of("Frames")),
            Map.entry("XenQueue", Set.of("Tlb")),
            Map.entry("Icache", Set.of("Tlb")),
            Map.entry("Frames", Set.of("Icache")),
            Map.entry("PageTables", Set.of("StoreBuffer", "XenQueue", "Frames")),
            Map.entry("AddressSpaces", Set.of("Tlb", "StoreBuffer")),
            Map.entry("SpinLocks", Set.of("StoreBuffer")),
            Map.entry("Monitors", Set.of()));

    /** The room rule over package {@code pkg}: no room depends on a room outside its crossings. */
    static ArchRule roomsKeepToThemselves(String pkg, Map<String, Set<String>> rooms) {
        List<ArchRule> rules = new java.util.ArrayList<>();
        for (Map.Entry<String, Set<String>> room : new java.util.TreeMap<>(rooms).entrySet()) {
            Set<String> forbidden = new TreeSet<>(rooms.keySet());
            forbidden.removeAll(room.getValue());
            forbidden.remove(room.getKey());
            forbidden.remove("Monitors");
            if (forbidden.isEmpty()) {
                continue;
            }
            rules.add(noClasses().that().haveNameMatching(Pattern.quote(pkg + "." + room.getKey()) + "(\\$.*)?")
                    .should().dependOnClassesThat().haveNameMatching(Pattern.quote(pkg + ".") + "(" + String.join("|", forbidden) + ")(\\$.*)?")
                    .because(room.getKey() + "'s rules cross only into " + (room.getValue().isEmpty() ? "no other room" : room.getValue())));
        }
        return CompositeArchRule.of(rules);
    }

    static ArchRule layers(String root) {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("lang").definedBy(root + ".lang..")
                .layer("model").definedBy(root + ".model..")
                .layer("check").definedBy(root + ".check..")
                .optionalLayer("sim").definedBy(root + ".sim..")
                .layer("report").definedBy(root + ".report..")
                .optionalLayer("editor").definedBy(root + ".editor..")
                .layer("cli").definedBy(root + ".cli..")
                .whereLayer("lang").mayNotAccessAnyLayer()
                .whereLayer("model").mayOnlyAccessLayers("lang")
                .whereLayer("check").mayOnlyAccessLayers("model", "lang")
                .whereLayer("sim").mayOnlyAccessLayers("model", "lang")
                .whereLayer("report").mayOnlyAccessLayers("check", "sim", "model", "lang")
                .whereLayer("editor").mayOnlyAccessLayers("model", "lang")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer();
    }

    static JavaClasses mainClasses(String packageName) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(packageName);
    }

    @Test
    @DisplayName("the main code keeps the layer arrows")
    void mainCodeKeepsLayers() {
        JavaClasses main = mainClasses("dev.shootdown");
        assertThat(main).as("imported the main classes").isNotEmpty();

        layers("dev.shootdown").check(main);
    }

    /** The simulator's rooms: what Engine, the thin core, runs (the scheduler's queues, costs, lines, interrupts, wake-ups, locks, stalls). */
    static final Set<String> ENGINE_ROOMS = Set.of("CpuQueue", "TimerQueue", "CpuRecords", "IntList", "CacheLines", "EventCosts",
            "Interrupts", "Wakeups", "SpinLockQueues", "ShootdownSpans", "StallDetector", "StoreDrains", "TraceSlices", "Scheduler");

    static final DescribedPredicate<JavaClass> ENGINE_ROOM = DescribedPredicate.describe("an engine room",
            c -> c.getPackageName().equals("dev.shootdown.sim") && ENGINE_ROOMS.contains(topLevel(c).getSimpleName()));

    /** A nested or anonymous class belongs to the room of its top-level class. */
    private static JavaClass topLevel(JavaClass c) {
        return c.getEnclosingClass().map(ArchitectureTest::topLevel).orElse(c);
    }

    @Test
    @DisplayName("only Engine drives the simulator's rooms, and no room reaches back into Engine")
    void engineDrivesItsRooms() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.shootdown");
        assertThat(main.stream().filter(ENGINE_ROOM::test).count()).as("found every room").isGreaterThanOrEqualTo(ENGINE_ROOMS.size());

        classes().that(ENGINE_ROOM).should().onlyBeAccessed().byClassesThat(ENGINE_ROOM.or(DescribedPredicate.describe("Engine",
                c -> c.getName().equals("dev.shootdown.sim.Engine")))).check(main);
        noClasses().that(ENGINE_ROOM).should().dependOnClassesThat().haveFullyQualifiedName("dev.shootdown.sim.Engine").check(main);
    }

    /** The compiler's passes (Compiler's javadoc lists them), with their nested classes. */
    static final List<String> COMPILER_PASSES = List.of("Compiler", "NameResolver", "Declarations", "Symbols", "HardwareDecl", "CpuPlacement",
            "Lowering", "BodyLowering", "TypeChecker", "Scope", "Typed", "SizeBudget", "Suggestions");

    @Test
    @DisplayName("the compiler's passes produce a Program without the engines' run-time machine (Machine, Layout, actions, events, snapshots)")
    void compilerPassesStayOffTheMachine() {
        JavaClasses main = mainClasses("dev.shootdown.model");
        // A renamed pass must be renamed here too, or the rule would quietly cover less.
        for (String pass : COMPILER_PASSES) {
            assertThat(main.contain("dev.shootdown.model." + pass)).as(pass).isTrue();
        }

        noClasses().that().haveNameMatching("dev\\.shootdown\\.model\\.(" + String.join("|", COMPILER_PASSES) + ")(\\$.*)?")
                .should().dependOnClassesThat().haveNameMatching("dev\\.shootdown\\.model\\.(Machine|Layout|Action|Event|Events|Snapshot|Narrator|\\w*CpuSets)(\\$.*)?")
                .check(main);
    }

    @Test
    @DisplayName("the rooms of the hardware model use each other only where a rule crosses")
    void roomsKeepToThemselves() {
        JavaClasses model = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.shootdown.model");
        for (String room : ROOMS.keySet()) {
            assertThat(model.contain("dev.shootdown.model." + room)).as("room " + room + " exists").isTrue();
        }

        roomsKeepToThemselves("dev.shootdown.model", ROOMS).check(model);
    }

    @Test
    @DisplayName("the room rule catches a room that reaches into another (checked on a fixture)")
    void roomRuleCatchesACrossing() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.shootdown.archfixture.model");
        Map<String, Set<String>> rooms = Map.of("Tlb", Set.of("WalkCaches"), "WalkCaches", Set.of(), "Rcu", Set.of());

        EvaluationResult result = roomsKeepToThemselves("dev.shootdown.archfixture.model", rooms).evaluate(fixture);

        String report = String.join("\n", result.getFailureReport().getDetails());
        assertThat(report).contains("archfixture.model.Tlb.rcu");
        assertThat(report).as("a declared crossing is not reported").doesNotContain("archfixture.model.Tlb.walkCaches");
    }

    @Test
    @DisplayName("the rules catch each kind of wrong arrow (checked on a fixture that has them)")
    void rulesCatchWrongArrows() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.shootdown.archfixture");

        EvaluationResult result = layers("dev.shootdown.archfixture").evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertThat(report)
                .contains("archfixture.lang.Lexer")          // lang -> model
                .contains("archfixture.check.Explorer")      // check -> sim
                .contains("archfixture.report.Report")       // report -> cli
                .contains("archfixture.util.Misc");          // in no layer
        assertThat(report)
                .as("right-way arrows are not reported")
                .doesNotContain("archfixture.model.Machine.token")
                .doesNotContain("archfixture.sim.Simulator.machine")
                .doesNotContain("archfixture.cli.Command.report");
    }
}
