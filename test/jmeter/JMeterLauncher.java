import java.lang.reflect.Field;

/**
 * Runs Debian's packaged JMeter (2.13), which refuses to load any plan: Debian pairs it with
 * XStream 1.4.20, whose security framework denies every type unless allowed, and JMeter 2.13
 * allows none (ForbiddenClassException: org.apache.jmeter.save.ScriptWrapper). This launcher
 * lets JMeter's own classes through its two XStream instances, then starts JMeter as its
 * NewDriver would:
 *
 *   java -Djmeter.home=/usr/share/jmeter -cp /usr/share/jmeter/bin/ApacheJMeter.jar:DIR JMeterLauncher -n -t plan.jmx ...
 *
 * JMeter 2.13's classes (NewDriver.loader, SaveService.JMXSAVER and JTLSAVER) are reached by
 * reflection: nothing of JMeter is compiled in. JMeter 5.x configures XStream itself and needs no
 * launcher.
 */
public final class JMeterLauncher {
  private JMeterLauncher() {
  }

  public static void main(String[] args) throws Exception {
    // NewDriver's static initializer builds the class loader over JMeter's lib/ and lib/ext/.
    Class<?> driver = Class.forName("org.apache.jmeter.NewDriver");
    Field loaderField = driver.getDeclaredField("loader");
    loaderField.setAccessible(true);
    ClassLoader loader = (ClassLoader) loaderField.get(null);
    Thread.currentThread().setContextClassLoader(loader);
    // SaveService reads saveservice.properties when it is first loaded, through JMeterUtils.
    String home = System.getProperty("jmeter.home");
    Class<?> utils = Class.forName("org.apache.jmeter.util.JMeterUtils", true, loader);
    utils.getMethod("setJMeterHome", String.class).invoke(null, home);
    utils.getMethod("loadJMeterProperties", String.class).invoke(null, home + "/bin/jmeter.properties");
    Class<?> saveService = Class.forName("org.apache.jmeter.save.SaveService", true, loader);
    for (String name : new String[] {"JMXSAVER", "JTLSAVER"}) {
      Field field = saveService.getDeclaredField(name);
      field.setAccessible(true);
      Object xstream = field.get(null);
      xstream.getClass().getMethod("allowTypesByWildcard", String[].class)
          .invoke(xstream, (Object) new String[] {"org.apache.jmeter.**", "org.apache.jorphan.**"});
    }
    driver.getMethod("main", String[].class).invoke(null, (Object) args);
  }
}
