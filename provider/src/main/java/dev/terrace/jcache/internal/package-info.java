/**
 * Implementation of Terrace. Nothing here is API: types may change or disappear in any release, and no module
 * descriptor exports these packages.
 */
package dev.terrace.jcache.internal;
