/**
 * A miniature of the layer packages with deliberate wrong-way arrows, so that ArchitectureTest can
 * show its rules catch them. Nothing here is used by anything else.
 */
package dev.shootdown.archfixture;
