import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../src/dockercli/template.js';
import { goMap } from '../../../../src/inspect/go-map.js';

// What a real dockerd 28.5.2 printed for `docker inspect --format T web` (web on bridge and
// my_bridge, -p 8080:80), its inspect JSON carried as the fixture beside the outputs.
const [web] = JSON.parse(readFileSync(new URL('../../../fixtures/real-docker/inspect-web-28.5.2.json', import.meta.url), 'utf8')) as Record<string, any>[];
goMap(web!.NetworkSettings.Networks);
const run = (t: string) => parseTemplate(t).execute(web);

describe('Go templates as docker --format runs them (outputs of a real docker 28.5.2)', () => {
  it.each([
    ['{{range .NetworkSettings.Networks}}{{split .IPAddress ","}}{{end}}', '[172.17.0.2][172.18.0.2]'],
    ['{{.Name}} {{.State.Running}}', '/web true'],
    ['{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', 'bridge=172.17.0.2 my_bridge=172.18.0.2 '],
    ['{{(index .NetworkSettings.Networks "my_bridge").IPAddress}}', '172.18.0.2'],
    ['{{range .NetworkSettings.Networks}}{{.IPAddress}}{{else}}none{{end}}', '172.17.0.2172.18.0.2'],
    ['{{range .Mounts}}x{{else}}none{{end}}', 'none'],
    ['{{.NetworkSettings.Networks.nope}}', '<no value>'],
    ['{{index .NetworkSettings.Networks "nope"}}', '<nil>'],
    ['{{print 1 2 "a" 3}}', '1 2a3'],
    ['{{println "x"}}y', 'x\ny'],
    ['{{.Id | printf "%.5s"}}', 'a36f3'],
    ['{{len .NetworkSettings.Networks}}', '2'],
    ['{{if eq .Name "/web"}}yes{{else}}no{{end}}', 'yes'],
    ['{{if eq .Name "/db"}}db{{else if eq .Name "/web"}}web{{else}}no{{end}}', 'web'],
    ['{{printf "%s-%d" .Name 3}}', '/web-3'],
    ['{{upper .Name}} {{title "hello world"}} {{join (split "a,b" ",") "+"}}', '/WEB Hello World a+b'],
    ['{{.NetworkSettings.Networks.bridge.IPPrefixLen}}', '16'],
    ['{{.Config.Cmd}}', '[httpd -f -p 80]'],
    ['{{json .Config.Cmd}}', '["httpd","-f","-p","80"]'],
    ['{{- .Name -}}  x', '/webx'],
    ['{{with .State}}{{.Status}}{{end}}', 'running'],
    ['{{$n := .Name}}{{$n}}', '/web'],
    ['{{/* a comment */}}ok', 'ok'],
  ])('%s', (template, printed) => {
    expect(run(template)).toBe(printed);
  });

  it('json prints the value as docker inspect would, with no HTML escaping', () => {
    expect(JSON.parse(run('{{json .NetworkSettings.Networks}}'))).toEqual(web!.NetworkSettings.Networks);
    expect(run('{{json "<a&b>"}}')).toBe('"<a&b>"');
  });

  it('a missing field fails with Go\'s words and exit 1; a bad template fails before anything, exit 64', () => {
    expect(() => run('{{.Name}} {{.Nope}} {{.State.Running}}')).toThrow('template parsing error: template: :1:12: executing "" at <.Nope>: map has no entry for key "Nope"');
    expect(() => run('{{ .Config.Nope }}')).toThrow('template parsing error: template: :1:10: executing "" at <.Config.Nope>: map has no entry for key "Nope"');
    try {
      run('{{.Nope}}');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(1);
    }
    expect(() => parseTemplate('{{.Foo')).toThrow('template parsing error: template: :1: unclosed action');
    expect(() => parseTemplate('{{nosuch .Name}}')).toThrow('template parsing error: template: :1: function "nosuch" not defined');
    try {
      parseTemplate('{{nosuch .Name}}');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(64);
    }
  });
});
