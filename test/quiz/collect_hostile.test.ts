/**
 * One student's zip cannot stop a class's collection: an entry whose name is too long for the disk, a Canvas
 * name that grows past the file-name limit under NFC, a file followed by a folder of the same name. Each
 * refuses its own student (in refused.csv, with the reason) and the others are collected.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { parseCsv } from '../../src/quiz/csv';
import { collectClass } from '../../src/quiz/collect';
import { zipBytes } from '../../src/quiz/zip';
import { tempDir } from '../../scripts/quiz/submissions';
import { writeZip } from './zip';

describe('collecting a class where one zip cannot be unpacked on this disk', function () {
  this.timeout(60_000);
  const answers = { name: 'exercises/answers.json', data: '{}' };

  it('refuses that student with the reason and collects the others', async () => {
    const work = tempDir('collect-hostile');
    const download = path.join(work, 'download.zip');
    const longName = '\u0958'.repeat(75); // 225 bytes of UTF-8; NFC decomposes each into two characters, 450 bytes
    writeZip(download, [
      { name: 'goodgail_101_9001_submission.zip', data: zipBytes([answers]) },
      {
        name: 'longlen_102_9002_submission.zip',
        data: zipBytes([answers, { name: `exercises/${'a'.repeat(300)}/`, data: '' }]),
      },
      {
        name: 'twicetom_103_9003_submission.zip',
        data: zipBytes([answers, { name: 'exercises/x', data: 'file' }, { name: 'exercises/x/', data: '' }]),
      },
      { name: `${longName}_104_9004_submission.zip`, data: zipBytes([answers]) },
    ]);
    const klass = path.join(work, 'class');
    const { students, refused } = await collectClass(download, klass, 'canvas');

    const keys = students.map((s) => s.key);
    expect(keys).to.include('goodgail_101');
    const long = students.find((s) => s.id === '104');
    expect(long, 'the student whose name grows under NFC is collected').to.not.equal(undefined);
    expect(Buffer.byteLength(long!.key)).to.be.at.most(130);
    expect(fs.existsSync(path.join(klass, long!.key, 'answers.json'))).to.equal(true);

    const csv = parseCsv(fs.readFileSync(path.join(klass, 'refused.csv'), 'utf8'));
    const reasonOf = (student: string): string | undefined => csv.find((r) => r[1] === student)?.[3];
    expect(reasonOf('longlen_102')).to.match(/could not be unpacked.*ENAMETOOLONG/);
    expect(reasonOf('twicetom_103')).to.match(/could not be unpacked/);
    expect(keys).to.not.include.members(['longlen_102', 'twicetom_103']);
    expect(refused.map((r) => r.student)).to.have.members(['longlen_102', 'twicetom_103']);
  });
});
