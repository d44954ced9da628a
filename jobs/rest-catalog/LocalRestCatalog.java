import jakarta.servlet.http.HttpServlet;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Iceberg's REST catalog server (org.apache.iceberg.rest.RESTCatalogServer) listening on one
 * address only: the fixture binds every interface and has no setting for it. Everything else is
 * the fixture's own code: its backend catalog (configured by the CATALOG_* environment variables),
 * its request adapter and Iceberg's servlet. Usage: LocalRestCatalog HOST PORT.
 */
public final class LocalRestCatalog {
  private static final String PKG = "org.apache.iceberg.rest.";

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    Map<String, String> config = new HashMap<>();
    config.put("rest.port", String.valueOf(port));

    // The fixture's classes are package-private: reach them by reflection (classpath, no modules).
    Class<?> serverClass = Class.forName(PKG + "RESTCatalogServer");
    Constructor<?> newServer = serverClass.getDeclaredConstructor(Map.class);
    newServer.setAccessible(true);
    Method backend = serverClass.getDeclaredMethod("initializeBackendCatalog");
    backend.setAccessible(true);
    Object context = backend.invoke(newServer.newInstance(config));

    Class<?> adapterClass = Class.forName(PKG + "RESTServerCatalogAdapter");
    Constructor<?> newAdapter = adapterClass.getDeclaredConstructor(context.getClass());
    newAdapter.setAccessible(true);
    Object adapter = newAdapter.newInstance(context);
    HttpServlet servlet = (HttpServlet) Class.forName(PKG + "RESTCatalogServlet")
        .getConstructor(Class.forName(PKG + "RESTCatalogAdapter"))
        .newInstance(adapter);

    ServletContextHandler handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    handler.addServlet(new ServletHolder(servlet), "/*");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.start();
    server.join();
  }
}
