package dev.shootdown.model;

/** Receives what a step did, in words, when a counterexample is being rebuilt (null on the hot path). */
public interface Narrator {
    void note(String text);
}
