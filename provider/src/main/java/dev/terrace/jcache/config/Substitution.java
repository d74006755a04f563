package dev.terrace.jcache.config;

import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a YAML string with the environment variable
 * {@code NAME} (the default when it is unset or empty, as in a POSIX shell). {@code $${} stands for a literal
 * {@code ${}. A reference to an unset variable without a default is a mistake, reported with the key.
 */
final class Substitution {

    private Substitution() {}

    /**
     * @param key the YAML key the text belongs to, for messages
     * @param where the message prefix naming the file and line
     */
    static String apply(String text, Function<String, String> environment, String key, String where) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new TerraceConfigException(
                            key,
                            where + key + " has an unclosed reference in '" + text
                                    + "'; allowed: ${NAME} or ${NAME:-default} (write $${ for a literal ${)");
                }
                out.append(resolve(text.substring(i + 2, end), text, environment, key, where));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String resolve(
            String reference, String text, Function<String, String> environment, String key, String where) {
        int split = reference.indexOf(":-");
        String name = split < 0 ? reference : reference.substring(0, split);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new TerraceConfigException(
                    key,
                    where + key + " refers to '${" + reference + "}' in '" + text
                            + "'; allowed: ${NAME} or ${NAME:-default}, NAME made of letters, digits and _");
        }
        String value = environment.apply(name);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        if (split >= 0) {
            return reference.substring(split + 2);
        }
        throw new TerraceConfigException(
                key,
                where + key + " refers to the environment variable " + name + " ('" + text
                        + "'), which is not set; set it, or give a default: ${" + name + ":-value}");
    }
}
