package org.elasticsearch.node;

import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * An Elasticsearch {@link Node} whose plugins/modules come from the class path.
 *
 * <p>In package {@code org.elasticsearch.node} because {@code NodeConstruction} and
 * {@code NodeServiceProvider} are package-private.
 */
public class ClasspathPluginNode extends Node {

    public ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        super(
            NodeConstruction.prepareConstruction(
                environment,
                PluginsLoader.createPluginsLoader(Collections.emptySet(), Collections.emptySet(), Collections.emptyMap(), false),
                new NodeServiceProvider() {
                    @Override
                    PluginsService newPluginService(Environment env, PluginsLoader pluginsLoader) {
                        return new ClasspathPluginsService(env.settings(), env, List.copyOf(pluginClasses));
                    }
                },
                true
            )
        );
    }
}
