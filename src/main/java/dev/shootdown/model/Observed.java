package dev.shootdown.model;

/**
 * A part of the machine whose actions are heard: by the narrator that tells a counterexample's
 * steps in words (null on the hot path) and by the events sink of a timed engine (null in the
 * checker). {@link Machine} sets both on every part. Each part keeps them in fields of its own so
 * that the hot path reads one field, not a chain (room, holder, field): one holder object shared
 * by the rooms made {@code shootdown bench} measurably slower.
 */
abstract class Observed {
    Narrator narrator;
    Events events;

    void say(String text) {
        narrator.note(text);
    }
}
