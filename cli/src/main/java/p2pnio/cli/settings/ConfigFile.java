package p2pnio.cli.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The settings of a {@code config.yml}: flat keys {@code host}, {@code port}, {@code folder},
 * {@code cluster} (a list or a comma-separated string), {@code period}, {@code waiting},
 * {@code delay}, {@code gather}, {@code fanout}, {@code suspectAfter}, {@code removeAfter}, {@code maxUploadRate} and
 * {@code maxDownloadRate}. Values are kept as strings so that {@link Settings} checks them the same way
 * whatever their source.
 *
 * @param path   where the file was read from, for messages
 * @param values every key present, with its value as text (lists joined with commas)
 */
public record ConfigFile(Path path, Map<String, String> values) {

    /** The keys a config.yml may hold, in the order the docs list them. */
    public static final List<String> KEYS = List.of("host", "port", "folder", "cluster", "period", "waiting", "delay",
            "gather", "fanout", "suspectAfter", "removeAfter", "maxUploadRate", "maxDownloadRate", "secret", "identity");

    /**
     * The config.yml to use: {@code explicit} if given (it must exist), else {@code config.yml}
     * in {@code workDir}, else in {@code workDir/configs}; null if there is none.
     */
    public static ConfigFile find(Path explicit, Path workDir) {
        if (explicit != null) {
            Path file = workDir.resolve(explicit);
            if (!Files.isRegularFile(file)) {
                throw new UsageError("--config: '" + explicit + "' is not a readable file");
            }
            return read(file);
        }
        for (Path candidate : List.of(workDir.resolve("config.yml"), workDir.resolve("configs").resolve("config.yml"))) {
            if (Files.isRegularFile(candidate)) {
                return read(candidate);
            }
        }
        return null;
    }

    /** Reads and checks one file: YAML, a mapping, only known keys, scalar values (or a list for cluster). */
    public static ConfigFile read(Path file) {
        Object root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UsageError(file + ": cannot read it: " + e.getMessage());
        } catch (YAMLException e) {
            throw new UsageError(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (root == null) {
            return new ConfigFile(file, values);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new UsageError(file + ": expected a mapping of settings (key: value), found "
                    + root.getClass().getSimpleName());
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!KEYS.contains(key)) {
                throw new UsageError(file + ": unknown setting '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            if (v instanceof List<?> list) {
                if (!key.equals("cluster")) {
                    throw new UsageError(file + ": setting '" + key + "' must be a single value, not a list");
                }
                values.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else if (v instanceof Map<?, ?>) {
                throw new UsageError(file + ": setting '" + key + "' must be a single value, not a mapping");
            } else {
                values.put(key, String.valueOf(v));
            }
        }
        return new ConfigFile(file, values);
    }

    /** The value of {@code key}, or null. */
    public String get(String key) {
        return values.get(key);
    }
}
