package dev.poplar.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads the YAML file, applies environment overrides and checks every key. */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static PoplarConfig load(Optional<Path> file, Map<String, String> env) throws ConfigException {
        Map<String, String> values = new HashMap<>();
        for (ConfigKeys.Key k : ConfigKeys.ALL.values()) {
            values.put(k.name(), k.defaultValue());
        }
        if (file.isPresent()) {
            values.putAll(readYaml(file.get()));
        }
        for (ConfigKeys.Key k : ConfigKeys.ALL.values()) {
            String v = env.get(k.envName());
            if (v != null) {
                values.put(k.name(), v);
            }
        }
        return PoplarConfig.from(values);
    }

    static Map<String, String> readYaml(Path file) throws ConfigException {
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read the configuration file: " + dev.poplar.io.IoErrors.describe(e));
        } catch (YAMLException e) {
            throw new ConfigException("configuration file " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new HashMap<>();
        if (root != null) {
            flatten("", root, flat, file);
        }
        return flat;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out, Path file) throws ConfigException {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
                flatten(key, e.getValue(), out, file);
            }
            return;
        }
        if (node instanceof List<?>) {
            throw new ConfigException(prefix + " in " + file + ": lists are not supported here");
        }
        if (!ConfigKeys.ALL.containsKey(prefix)) {
            throw new ConfigException("unknown key " + prefix + " in " + file + suggestion(prefix)
                    + " (docs/configuration.md lists every key)");
        }
        out.put(prefix, node == null ? "" : String.valueOf(node));
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : ConfigKeys.ALL.keySet()) {
            int d = distance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= 3 ? "; did you mean " + best + "?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
