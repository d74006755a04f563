/**
 * Terrace as Hibernate's second-level cache through hibernate-jcache.
 */
package dev.terrace.examples.hibernate;
