package dev.shootdown.model;

/**
 * Who hears what the machine does during one action: the narrator that tells a counterexample's
 * steps in words (null on the hot path) and the events sink of a timed engine (null in the checker).
 * {@link Machine} sets both; every room looks at them before it builds a word of narration or
 * reports an event.
 */
final class Observers {
    Narrator narrator;
    Events events;

    void say(String text) {
        narrator.note(text);
    }
}
