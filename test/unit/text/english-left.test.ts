import { describe, expect, it } from 'vitest';
import { englishLeft } from '../../text/english-left.js';

describe('english left in Korean output (the checker the Korean runs use)', () => {
  it('passes Korean with English terms, commands, output and code spans', () => {
    const run = [
      '── 3/7단계: docker0 브리지 만들기 ──',
      '  dockerd는 172.17.0.0/16에 게이트웨이 172.17.0.1을(를) 둔 브리지 docker0을(를) 만듭니다.',
      '  docker: docker network inspect bridge',
      '  명령 (root로 복사해 붙여 넣을 수 있음):',
      '    ip netns exec nslab-x-host brctl addbr docker0',
      '  살펴보기:',
      '  $ ip netns exec nslab-x-host brctl show docker0',
      '    bridge name	bridge id		STP enabled	interfaces',
      '  통과  c1 -> 게이트웨이 172.17.0.1  도달해야 함  도달함  connect: Network is unreachable',
      '  통과  ports  HTTP 200: hello from web; you are 172.17.0.1',
      '  MAC 주소 2e:bf:2a:85:b7:ef은(는) 무작위, veth7b5a0ce은(는) br-8a8926d1dc53에',
      '  This sentence was left in English by mistake.',
      '  nslab verify x      # 위 표를 패킷으로 다시 확인',
      '  다른 버전과의 차이는 `nslab versions docker0 and the others`이 보여 줍니다.',
      '   3. host eth0 out    172.17.0.2 > 203.0.113.10  echo request (+0.021 ms)',
    ].join('\n');
    expect(englishLeft(run)).toEqual(['12: This sentence was left in English by mistake.']);
  });

  it('finds a sentence left in English, and a Korean line that quotes none', () => {
    expect(englishLeft('  The host must route between docker0 and its uplink.\n  호스트는 라우팅해야 합니다.')).toEqual(['1: The host must route between docker0 and its uplink.']);
    expect(englishLeft('  도커 27은 "published on the host" 라고 씁니다')).toEqual([]);
  });
});
