/**
 * The tool-result cache example: results of tools keyed by their arguments, invalidated when the files they
 * read change, shared by processes through Redis.
 */
package dev.terrace.examples.toolcache;
