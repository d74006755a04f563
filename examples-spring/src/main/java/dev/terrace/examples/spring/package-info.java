/**
 * Terrace behind Spring's cache abstraction (@Cacheable) in a Spring Boot application.
 */
package dev.terrace.examples.spring;
