package dev.shootdown.check;

/** What a search did: distinct states, transitions applied, BFS depth reached, wall time. */
public record Stats(long states, long transitions, int depth, long queued, double seconds) {

    public double statesPerSecond() {
        return seconds > 0 ? states / seconds : 0;
    }
}
