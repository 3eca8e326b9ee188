// Package browsertest drives the web console of examples/console and the <inboxkit-card>
// renderer of template/webcard in a real headless Chromium, through the Chrome DevTools
// Protocol (github.com/chromedp/chromedp). It is a nested module so that the core go.mod
// never requires chromedp.
//
//	cd examples/console/browsertest && go test ./...            # screenshots in a printed temp dir
//	go test ./... -screenshots ../testdata                         # refresh the README's pictures
//
// Each test builds nothing itself: TestMain builds the console command once, every test
// starts its own console process on a loopback port, its own upstream servers
// (httptest, loopback) and its own browser with a fresh profile. A test fails on any
// JavaScript exception, console error, dialog (alert, confirm, prompt) it did not expect,
// or Content-Security-Policy violation.
//
// Chromium is found at $CHROMIUM, then as chromium, chromium-browser or google-chrome on
// $PATH (Debian: apt-get install chromium).
package browsertest
