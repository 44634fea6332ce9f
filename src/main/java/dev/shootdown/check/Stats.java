package dev.shootdown.check;

/**
 * What a search did: distinct states, transitions applied, BFS depth reached, states queued, wall time,
 * the deepest level all of whose states were expanded (-1: none), the queued states written to disk,
 * and, while it runs, an estimate of the seconds left (NaN when the levels still grow: see {@link LevelGrowth}).
 */
public record Stats(long states, long transitions, int depth, long queued, double seconds, int finishedLevel, long spilled, double secondsLeft) {

    public Stats(long states, long transitions, int depth, long queued, double seconds, int finishedLevel, long spilled) {
        this(states, transitions, depth, queued, seconds, finishedLevel, spilled, Double.NaN);
    }

    public double statesPerSecond() {
        return seconds > 0 ? states / seconds : 0;
    }

    /**
     * The probability that two states shared a fingerprint and one was never explored ({@link Fingerprint#collisionProbability}),
     * counting as generated the initial state and the successor of every transition (those that broke a property were never
     * looked up, so this errs high).
     */
    public double collisionProbability() {
        return Fingerprint.collisionProbability(states, transitions + 1);
    }
}
