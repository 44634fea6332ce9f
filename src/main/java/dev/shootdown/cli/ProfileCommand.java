package dev.shootdown.cli;

import dev.shootdown.sim.ProfileFile;
import dev.shootdown.sim.Profiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Print a hardware cost profile's values in the form of a profile file, which --profile FILE reads.",
                "Start from a built-in: shootdown profile skylake > mine.json, put in the costs you measured, then simulate ... --profile mine.json.",
                "Built-ins: skylake, p3, milan, arm64. Exit codes: 0 printed, 2 bad input."})
final class ProfileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME|PATH", description = "A built-in profile or the path of a profile file (.json).")
    String profile;

    @Override
    public Integer call() {
        Profiles.Source s = Profiles.resolve(profile);
        System.out.print(Json.write(ProfileFile.json(s.profile(), s.base())) + "\n");
        System.out.flush();
        return Main.OK;
    }
}
