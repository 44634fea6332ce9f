package dev.shootdown.check;

/**
 * What a search did: distinct states, transitions applied, BFS depth reached, states queued, wall time,
 * the deepest level all of whose states were expanded (-1: none), and the queued states written to disk.
 */
public record Stats(long states, long transitions, int depth, long queued, double seconds, int finishedLevel, long spilled) {

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
