package dev.usageledger.statsapi.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through {@code /usr/bin/chromedriver}: the driver is given, so Selenium Manager
 * never looks for (or downloads) one. Where either is missing a test class marked with {@link Required} is skipped,
 * saying how to install them — and fails instead under {@code CI=true}, so CI never passes without the browser test.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path downloads, Path profile) {
        this.driver = driver;
        this.downloads = downloads;
        this.profile = profile;
    }

    /**
     * Runs the annotated test class only where chromium and chromedriver are installed: elsewhere it is skipped with a
     * message saying how to install them (printed too, so the build log shows it), and under {@code CI=true} it fails.
     * Evaluated before the class starts anything (no Spring context, no browser).
     */
    static final class Required implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
            }
            String message = "the browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true: " + message);
            }
            System.out.println("SKIPPED " + context.getDisplayName() + ": " + message);
            return ConditionEvaluationResult.disabled(message);
        }
    }

    /** A new browser with a fresh profile, its downloads going to a new directory under target/. */
    static HeadlessChromium start() {
        try {
            Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile");
            Path downloads = Files.createTempDirectory(Path.of("target"), "ui-downloads");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
            options.setExperimentalOption("prefs", Map.of(
                    "download.default_directory", downloads.toAbsolutePath().toString(),
                    "download.prompt_for_download", false));
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            return new HeadlessChromium(new ChromeDriver(service, options), downloads, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads {@code url} as a new document (through about:blank, so even a fragment change reloads the page). */
    void load(String url) {
        driver.get("about:blank");
        driver.get(url);
    }

    /** Waits until the page says {@code body[data-state]} is {@code state}; fails naming the state it is in. */
    void awaitState(String state) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> state.equals(
                    d.findElement(By.tagName("body")).getDomAttribute("data-state")));
        } catch (RuntimeException e) {
            screenshot("failed-" + state);
            throw new AssertionError("the page did not reach state " + state + "; it is "
                    + driver.findElement(By.tagName("body")).getDomAttribute("data-state") + ": "
                    + driver.findElement(By.id("view")).getText(), e);
        }
    }

    /** The browser console's errors since the last call (reading the log drains it). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left under target/ is harmless
        }
    }
}
