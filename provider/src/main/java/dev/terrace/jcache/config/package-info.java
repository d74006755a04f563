/**
 * Configuration: the YAML file (terrace.yaml), manager properties and the tier stacks a cache may use. Settings
 * are read once when a cache manager or cache is created; a wrong setting fails with TerraceConfigException
 * naming the key.
 */
package dev.terrace.jcache.config;
