package dev.pgkeeper.mybatis.internal;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.builder.xml.XMLMapperEntityResolver;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.parsing.XNode;
import org.apache.ibatis.parsing.XPathParser;
import org.apache.ibatis.session.Configuration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An application's existing {@code mybatis-config.xml}, read by MyBatis's own {@link XMLConfigBuilder} as
 * mybatis-spring reads one: settings, properties, aliases, plugins, type handlers, the database id and
 * mappers as the file says, on pgkeeper's environment. The file's {@code <environments>} are not used (none of
 * its data sources is even created) and a warning says so; a {@code <databaseIdProvider>} asks the database
 * through pgkeeper's manager.
 */
public final class ConfigurationFile {

    private static final Logger LOG = LogManager.getLogger(ConfigurationFile.class);

    /** An environment id no file uses, so that MyBatis builds none of the file's environments. */
    private static final String NONE_OF_THE_FILES = "pgkeeper: not one of the file's environments";

    private ConfigurationFile() {
    }

    /**
     * Reads {@code resource} into a configuration on {@code environment}. {@code beforeMappers} runs before
     * the file's contents are read, so that the file's mappers can use what it registers.
     *
     * @throws DatabaseError CONFIGURATION_ERROR when the file is missing or MyBatis cannot read it; the
     *                       manager's error when a {@code <databaseIdProvider>} cannot reach the database
     */
    public static Configuration read(String resource, Environment environment, Consumer<Configuration> beforeMappers) {
        byte[] xml = bytes(resource);
        Configuration configuration;
        try {
            // The constructor parses (and validates) the document; parse() then applies it.
            XMLConfigBuilder builder = new XMLConfigBuilder(Configuration.class, new ByteArrayInputStream(xml),
                    NONE_OF_THE_FILES, null);
            configuration = builder.getConfiguration();
            configuration.setEnvironment(environment);
            beforeMappers.accept(configuration);
            builder.parse();
        } catch (DatabaseError e) {
            throw e; // what the builder registers before the file's mappers: its own errors are clear
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DatabaseError databaseError) {
                    throw databaseError; // <databaseIdProvider> asked an uninitialized or unreachable manager
                }
            }
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "MyBatis could not read the configuration file "
                    + resource + ": " + rootMessage(e), List.of("Fix " + resource + " as the message says; MyBatis's "
                    + "exception is the cause"), Map.of("resource", resource), e);
        }
        warnAboutEnvironments(resource, xml, environment);
        return configuration;
    }

    private static void warnAboutEnvironments(String resource, byte[] xml, Environment environment) {
        XNode environments = new XPathParser(new ByteArrayInputStream(xml), false, null, new XMLMapperEntityResolver())
                .evalNode("/configuration/environments");
        if (environments == null) {
            return;
        }
        String ids = environments.getChildren().stream().map(e -> e.getStringAttribute("id"))
                .collect(Collectors.joining(", "));
        LOG.warn("{} declares <environments> ({}); they are not used: MyBatis runs on pgkeeper's connection manager "
                + "(environment {}). Remove <environments> from the file to silence this warning.", resource, ids,
                environment.getId());
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = Resources.getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "The MyBatis configuration file " + resource
                    + " was not found on the class path", List.of("Check the path passed to configuration(...): a "
                    + "class path resource such as \"mybatis-config.xml\", without a leading slash"),
                    Map.of("resource", resource), e);
        }
    }

    /** The innermost message: MyBatis wraps its parse failures several times over. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
